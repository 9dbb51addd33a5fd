# syntax=docker/dockerfile:1
# whc-api image. Targets:
#   production (default, last stage): the esbuild bundle and the startup snapshot (dist/),
#                                     production dependencies (only Swagger UI's files are read
#                                     from them), the bundled CSV;
#                                     runs as uid 1000, writes nothing (read-only root filesystem).
#   dev: sources under /app/src run by Node itself (types stripped), all dependencies and npm's
#        cache; nodemon restarts the server on every synced change (Tilt's live_update). Everything
#        under /app belongs to `node`, so syncs and a live `npm ci` can write. No data inside: the
#        chart mounts it (docker run: -v "$PWD/data:/app/data:ro").
#
# Build args:
#   NODE_IMAGE           base image (a mirror's copy of the official image; CI passes a local one)
#   NPM_CONFIG_REGISTRY  optional npm registry for `npm ci`
#   VERSION, REVISION, SOURCE, LICENSES  the production image's OCI labels (see its last lines)
# Build secret (optional): id=npm_ca, a CA bundle for a TLS-intercepting proxy.

# The official image of the Node.js LTS in .node-version, on Debian's current stable.
ARG NODE_IMAGE=node:26-trixie-slim

# ---- all dependencies, installed as `node` so the dev target's live `npm ci` can rewrite them.
# npm's cache stays in this stage: a live `npm ci` in a dev pod then downloads only what changed
# (the production stage copies node_modules alone, so the cache never reaches it).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
RUN chown node:node /app
USER node
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
ARG NPM_CONFIG_REGISTRY
COPY --chown=node:node package.json package-lock.json ./
# An empty registry argument would be taken literally by npm: unset it instead.
RUN --mount=type=secret,id=npm_ca,required=false,mode=0444 \
    if [ -z "${NPM_CONFIG_REGISTRY:-}" ]; then unset NPM_CONFIG_REGISTRY; fi; \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
    npm ci

# ---- type-check src/, then bundle it into dist/ (scripts/build/bundle.ts says why a bundle) and
# build the startup snapshot of the bundled CSV (scripts/build/snapshot.ts), here at /app and at
# production's DATA_FILE, where it runs: the snapshot serves DATA_FILE only if it is that path with
# those bytes (the container smoke test checks a start is served from it).
FROM deps AS build
# The production stage's DATA_FILE (test/k8s/data-source.test.ts keeps them equal).
ENV DATA_FILE=/app/data/whc-sites-2019.csv
COPY --chown=node:node tsconfig.json tsconfig.src.json ./
COPY --chown=node:node scripts/build ./scripts/build
COPY --chown=node:node data ./data
COPY --chown=node:node src ./src
RUN npm run build

# ---- production dependencies only
# (pruning works offline: no registry or CA needed)
FROM deps AS prod-deps
RUN npm prune --omit=dev

# ---- dev: Tilt syncs src/ into /app/src and nodemon restarts the server (nodemon.json)
FROM deps AS dev
ENV NODE_ENV=development HOST=0.0.0.0 PORT=8080 DATA_FILE=/app/data/whc-sites-2019.csv
COPY --chown=node:node nodemon.json ./
COPY --chown=node:node scripts/dev ./scripts/dev
COPY --chown=node:node src ./src
EXPOSE 8080
CMD ["node_modules/.bin/nodemon"]

# ---- production (default target)
# Metadata first and dist/ last: a change to src/ rebuilds only the final COPY.
FROM ${NODE_IMAGE} AS production
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 DATA_FILE=/app/data/whc-sites-2019.csv
EXPOSE 8080
# Numeric, so the kubelet can verify runAsNonRoot without a runAsUser (uid 1000 is `node`).
USER 1000:1000
# Exec form: node is PID 1 and receives SIGTERM itself; the app drains and exits. No inspector on
# SIGUSR1 in production (lifecycle.ts also handles it, from its start on). A young generation of
# 8 MB semi-spaces, not the 16 MB V8 grows to whatever --max-old-space-size says: searches make
# short-lived garbage, and at 100,000 rows the larger one held 80-90 MB more at peak for no
# throughput or load time (docs/large-files.md). From the startup snapshot the build stage made
# with this same Node binary (src/snapshot/entry.ts): the modules, the bundled CSV's dataset and
# the warmed-up code come deserialized, ready in about 2x a bare Node's start rather than 7x; a
# DATA_FILE with other bytes is loaded as dist/main.js would. Written once more in npm start,
# which the bench starts.
CMD ["node", "--disable-sigusr1", "--max-semi-space-size=8", "--snapshot-blob", "dist/snapshot/whc-api.blob"]
# Files stay owned by root: the service user can read them but not change them.
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY data ./data
COPY --from=build /app/dist ./dist
# OCI image labels (github.com/opencontainers/image-spec annotations.md), last: a new version or
# revision changes only this metadata, and no file layer is rebuilt. VERSION's default is
# package.json's version and the chart's appVersion (a test checks the three agree); the build
# passes REVISION (the commit) and SOURCE (the repository's URL: the repository itself names none).
# LICENSES: the project declares no licence yet (no LICENSE file, none in package.json), and SPDX
# says NOASSERTION for that, rather than a guess.
ARG VERSION=0.1.0
ARG REVISION=""
ARG SOURCE=""
ARG LICENSES=NOASSERTION
LABEL org.opencontainers.image.title="whc-api" \
      org.opencontainers.image.description="HTTP API serving the UNESCO World Heritage List" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="${LICENSES}"
