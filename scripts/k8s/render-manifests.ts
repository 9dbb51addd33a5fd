/**
 * `npm run k8s:render`: writes k8s/manifests/whc-api.yaml, the chart's dev profile rendered for
 * users without Helm (`kubectl apply -f k8s/manifests/`). A test fails when it drifts from the chart.
 */
import { writeFileSync } from 'node:fs';
import { MANIFEST_FILE, renderPlainManifests } from './plain-manifests.js';

writeFileSync(MANIFEST_FILE, renderPlainManifests());
process.stdout.write(`wrote ${MANIFEST_FILE}\n`);
