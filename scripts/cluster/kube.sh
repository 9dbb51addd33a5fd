#!/usr/bin/env bash
# A throw-away Kubernetes v1.36.2 for the cluster test tier: etcd, the control plane, one or two
# kubelets with containerd and runc, kube-proxy and a registry, all plain processes inside a
# private network namespace that has only `lo` and the pods' bridges. It follows the verified
# recipe in ../shared/tools/kubernetes/README.md (the binaries come from there; etcd, containerd,
# the registry and the CNI plugins from Debian), and stands in for kind + ctlptl, which cannot run
# on these machines. Root only.
#   scripts/cluster/kube.sh up       start one node (kind-whc context), print the env to use
#   scripts/cluster/kube.sh node2    add a second node (whc-worker)
#   scripts/cluster/kube.sh down     stop every process this started, unmount, remove cgroups
#   scripts/cluster/kube.sh ns CMD   run CMD inside the namespace with the cluster's KUBECONFIG
#   eval "$(scripts/cluster/kube.sh env)"   the variables Tilt, helm and kubectl need (then run them with `ns`)
# State lives in WHC_CLUSTER_DIR (default .cache/cluster): PIDs, logs, kubeconfig, images.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
KT=${WHC_SHARED_TOOLS:-$repo/../shared/tools}/kubernetes
W=${WHC_CLUSTER_DIR:-$repo/.cache/cluster}
CLUSTER=whc                      # the context is kind-whc, the only one the Tiltfile accepts
REG_PORT=${WHC_REGISTRY_PORT:-5005}
# The nodes' cgroup roots (/<name>-node1, -node2): another name lets a second cluster run beside this one.
CGROUP_NAME=${WHC_CLUSTER_CGROUP:-$CLUSTER}
NODE1=$CLUSTER-control-plane
NODE2=$CLUSTER-worker
NS=(nsenter "--net=$W/netns")
# DEV_BASE_IMAGE: the base image Tilt's dev builds use (scripts/cluster/images.sh makes it): Tilt's
# docker_build without BuildKit passes no build secret, so the machine's CA bundle is in the image.
# shellcheck source=../container/lib.sh
. "$repo/scripts/container/lib.sh"
BA=(buildah --root "$W/containers/root" --runroot "$W/containers/run" --storage-driver vfs)
export KUBECONFIG=$W/kubeconfig
export PATH=$W/bin:$W/root/usr/bin:$PATH

say() { printf '[cluster] %s\n' "$*" >&2; }
# start NAME CMD...: CMD in the namespace, in a session of its own, its PID in $W/pid/NAME
start() { local n=$1; shift; (setsid "${NS[@]}" "$@" > "$W/log/$n.log" 2>&1 & echo $! > "$W/pid/$n"); }
start_host() { local n=$1; shift; (setsid "$@" > "$W/log/$n.log" 2>&1 & echo $! > "$W/pid/$n"); }
# stop NAME...: SIGTERM them all, wait up to 20 s each, SIGKILL what is left
stop() {
  local n p i pids=()
  for n; do
    [ -f "$W/pid/$n" ] || continue
    p=$(cat "$W/pid/$n"); rm -f "$W/pid/$n"
    if kill "$p" 2>/dev/null; then pids+=("$p"); fi
  done
  for p in ${pids[@]+"${pids[@]}"}; do
    i=0; while kill -0 "$p" 2>/dev/null && [ $i -lt 80 ]; do sleep 0.25; i=$((i + 1)); done
    kill -9 "$p" 2>/dev/null || true
  done
}
wait_for() { # seconds description command...
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { say "timed out waiting for $what"; return 1; }
    sleep 0.2
  done
}

prerequisites() {
  [ "$(id -u)" = 0 ] || { say "root is required (network namespace, mounts, cgroups)"; exit 3; }
  [ -f "$KT/hyperkube.xz" ] || { say "$KT/hyperkube.xz is missing (the shared Kubernetes tools)"; exit 3; }
  mkdir -p "$W"/{bin,debs,root,pid,log,pki,sock,apt/lists/partial,apt/cache/archives/partial}
  local missing=() c
  for c in runc iptables buildah socat openssl curl xz nsenter ip; do command -v $c >/dev/null || missing+=("$c"); done
  [ -x /usr/lib/cni/bridge ] || missing+=(cni)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing from Debian: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends runc containernetworking-plugins \
      iptables buildah socat openssl curl xz-utils iproute2 util-linux ca-certificates >/dev/null
  fi
  # Unpacked, not installed, so no daemon starts: containerd and the registry from bookworm,
  # etcd 3.5 from trixie (bookworm's is 3.4) through a list of its own.
  if [ ! -x "$W/root/usr/bin/etcd" ]; then
    local mirror apto
    mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror:-http://deb.debian.org/debian} trixie main" > "$W/apt/trixie.list"
    apto=(-o "Dir::Etc::sourcelist=$W/apt/trixie.list" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$W/apt/lists"
      -o "Dir::Cache=$W/apt/cache" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=)
    apt-get "${apto[@]}" update -qq
    (cd "$W/debs" && apt-get "${apto[@]}" download -qq etcd-server && apt-get download -qq containerd docker-registry)
    for d in "$W"/debs/*.deb; do dpkg -x "$d" "$W/root"; done
  fi
  if [ ! -x "$W/bin/hyperkube" ]; then
    xz -dc "$KT/hyperkube.xz" > "$W/bin/hyperkube.part"
    (cd "$W/bin" && sed -n 's/ hyperkube$/ hyperkube.part/p' "$KT/SHA256SUMS" | sha256sum -c --quiet -)
    chmod +x "$W/bin/hyperkube.part" && mv "$W/bin/hyperkube.part" "$W/bin/hyperkube"
  fi
  for c in kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl; do ln -sf hyperkube "$W/bin/$c"; done
}

certificates() {
  local p=$W/pki
  [ -f "$p/admin.crt" ] && return
  openssl genrsa -out "$p/ca.key" 2048 2>/dev/null
  openssl req -x509 -new -key "$p/ca.key" -subj "/CN=$CLUSTER-ca" -days 30 -out "$p/ca.crt"
  printf 'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\nextendedKeyUsage=serverAuth\n' > "$p/apiserver.ext"
  echo 'extendedKeyUsage=clientAuth' > "$p/client.ext"
  sign() { # name subject extfile
    openssl genrsa -out "$p/$1.key" 2048 2>/dev/null
    openssl req -new -key "$p/$1.key" -subj "$2" -out "$p/$1.csr"
    openssl x509 -req -in "$p/$1.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial -days 30 -extfile "$p/$3" -out "$p/$1.crt" 2>/dev/null
  }
  sign apiserver /CN=kube-apiserver apiserver.ext
  sign admin "/O=system:masters/CN=kubernetes-admin" client.ext
  openssl genrsa -out "$p/sa.key" 2048 2>/dev/null
  openssl rsa -in "$p/sa.key" -pubout -out "$p/sa.pub" 2>/dev/null
  cat > "$W/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kind-$CLUSTER
  cluster: {server: "https://127.0.0.1:6443", certificate-authority: $p/ca.crt}
users:
- name: kind-$CLUSTER
  user: {client-certificate: $p/admin.crt, client-key: $p/admin.key}
contexts:
- name: kind-$CLUSTER
  context: {cluster: kind-$CLUSTER, user: kind-$CLUSTER}
current-context: kind-$CLUSTER
EOF
}

registry() {
  mkdir -p "$W/registry/data"
  cat > "$W/registry/config.yml" <<EOF
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $W/registry/data}
  delete: {enabled: true}
http: {net: unix, addr: $W/sock/registry.sock}
EOF
  rm -f "$W/sock/registry.sock"
  start_host registry docker-registry serve "$W/registry/config.yml"
  # The registry listens on a unix socket, which crosses namespaces as a file: one socat in the
  # host (image pushes) and one in the namespace (containerd's pulls), both localhost:$REG_PORT.
  start_host socat-registry-host socat "TCP-LISTEN:$REG_PORT,bind=127.0.0.1,fork,reuseaddr" "UNIX-CONNECT:$W/sock/registry.sock"
  start socat-registry-ns socat "TCP-LISTEN:$REG_PORT,bind=127.0.0.1,fork,reuseaddr" "UNIX-CONNECT:$W/sock/registry.sock"
  wait_for 15 "the registry" curl -fs "http://127.0.0.1:$REG_PORT/v2/"
}

# containerd needs a sandbox image and cannot pull registry.k8s.io/pause offline: wrap the shared
# pause binary (built from Kubernetes' own pause.c) in an image and push it.
pause_image() {
  curl -fs "http://127.0.0.1:$REG_PORT/v2/pause/manifests/3.10.2" -H 'Accept: application/vnd.oci.image.manifest.v1+json' >/dev/null && return
  mkdir -p "$W/pause"
  xz -dc "$KT/pause-v3.10.2-linux-amd64.xz" > "$W/pause/pause" && chmod +x "$W/pause/pause"
  echo "670be92505ee81a24f8f016fa2a47e0096bae78dd4b8d8e7f123d044acec3d43  $W/pause/pause" | sha256sum -c --quiet -
  local c; c=$("${BA[@]}" from scratch)
  "${BA[@]}" copy "$c" "$W/pause/pause" /pause
  "${BA[@]}" config --entrypoint '["/pause"]' --user 65535:65535 "$c"
  "${BA[@]}" commit -q "$c" "localhost:$REG_PORT/pause:3.10.2" >/dev/null
  "${BA[@]}" rm "$c" >/dev/null
  "${BA[@]}" push -q --tls-verify=false "localhost:$REG_PORT/pause:3.10.2" >/dev/null
}

# node_files N NAME: node N's containerd, CNI and kubelet configuration and its cgroup root. Two
# kubelets must never share a cgroup root (each removes pod cgroups it does not know); see the
# recipe for why each setting is there (no CAP_SYS_RESOURCE, cgroup v1 hosts, swap, full disks).
node_files() {
  local n=$1 d=$W/node$1 bridge=cni$(($1 - 1)) subnet=10.244.$(($1 - 1)).0/24 h
  mkdir -p "$d/containerd" "$d/cni" "$d/certs.d/localhost:$REG_PORT" "$d/kubelet" "$d/podlogs" "$d/ipam"
  cat > "$d/containerd/config.toml" <<EOF
version = 2
root = "$d/containerd/root"
state = "$d/containerd/state"
[grpc]
  address = "$d/containerd/containerd.sock"
[ttrpc]
  address = "$d/containerd/containerd.sock.ttrpc"
[debug]
  level = "warn"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost:$REG_PORT/pause:3.10.2"
  stream_server_address = "127.0.0.1"
  enable_cdi = false
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$d/cni"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$d/certs.d"
EOF
  cat > "$d/certs.d/localhost:$REG_PORT/hosts.toml" <<EOF
server = "http://localhost:$REG_PORT"
[host."http://localhost:$REG_PORT"]
  capabilities = ["pull", "resolve"]
  skip_verify = true
EOF
  cat > "$d/cni/10-pods.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "pods-node$n", "plugins": [
  {"type": "bridge", "bridge": "$bridge", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "dataDir": "$d/ipam", "ranges": [[{"subnet": "$subnet"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
  {"type": "portmap", "capabilities": {"portMappings": true}}
]}
EOF
  cat > "$d/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 10.250.0.$n
port: 10250
healthzBindAddress: 10.250.0.$n
healthzPort: 10248
readOnlyPort: 0
authentication: {anonymous: {enabled: true}, webhook: {enabled: false}}
authorization: {mode: AlwaysAllow}
cgroupDriver: cgroupfs
cgroupRoot: /$CGROUP_NAME-node$n
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://$d/containerd/containerd.sock
podLogsDir: $d/podlogs
resolvConf: /etc/resolv.conf
clusterDomain: cluster.local
protectKernelDefaults: false
imageGCHighThresholdPercent: 100
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
serializeImagePulls: false
EOF
  for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do [ -e "$h/cgroup.procs" ] && mkdir -p "$h/$CGROUP_NAME-node$n"; done
  true
}

start_node() { # N NAME [labels]
  local n=$1 d=$W/node$1
  start "containerd$n" containerd --config "$d/containerd/config.toml"
  wait_for 20 "containerd $n" test -S "$d/containerd/containerd.sock"
  start "kubelet$n" kubelet --config="$d/kubelet/config.yaml" --kubeconfig="$KUBECONFIG" --root-dir="$d/kubelet/root" \
    --hostname-override="$2" --node-ip="10.250.0.$n" ${3:+--node-labels=$3} --v=1
  wait_for 60 "node $2 to register" "${NS[@]}" kubectl get node "$2"
  "${NS[@]}" kubectl wait --for=condition=Ready "node/$2" --timeout=120s >/dev/null
}

up() {
  [ -f "$W/pid/apiserver" ] && { say "already up ($W)"; return; }
  prerequisites
  certificates
  touch "$W/netns" && unshare --net="$W/netns" true
  "${NS[@]}" ip link set lo up
  "${NS[@]}" ip link add whc0 type bridge
  "${NS[@]}" ip addr add 10.250.0.1/32 dev whc0
  "${NS[@]}" ip link set whc0 up
  # Service ClusterIPs from processes in the namespace (tests, Tilt): the kernel needs a route
  # before kube-proxy's OUTPUT rules rewrite the address (a kind node's default route does this).
  "${NS[@]}" ip route add 10.96.0.0/16 dev whc0
  registry
  pause_image
  local p=$W/pki t0=$SECONDS
  start etcd etcd --name "$CLUSTER" --data-dir "$W/etcd" --listen-client-urls http://127.0.0.1:2379 \
    --advertise-client-urls http://127.0.0.1:2379 --listen-peer-urls http://127.0.0.1:2380 \
    --initial-advertise-peer-urls http://127.0.0.1:2380 --initial-cluster "$CLUSTER=http://127.0.0.1:2380" --log-level warn
  start apiserver kube-apiserver --etcd-servers=http://127.0.0.1:2379 --bind-address=127.0.0.1 --advertise-address=127.0.0.1 \
    --secure-port=6443 --tls-cert-file="$p/apiserver.crt" --tls-private-key-file="$p/apiserver.key" --client-ca-file="$p/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local --service-account-key-file="$p/sa.pub" \
    --service-account-signing-key-file="$p/sa.key" --service-cluster-ip-range=10.96.0.0/16 \
    --service-node-port-range=30000-32767 --authorization-mode=AlwaysAllow --allow-privileged=true \
    --kubelet-client-certificate="$p/admin.crt" --kubelet-client-key="$p/admin.key" \
    --kubelet-preferred-address-types=InternalIP --enable-priority-and-fairness=false --v=1
  wait_for 120 "the API server" "${NS[@]}" curl -fsk --cert "$p/admin.crt" --key "$p/admin.key" https://127.0.0.1:6443/readyz
  start controller-manager kube-controller-manager --kubeconfig="$KUBECONFIG" --bind-address=127.0.0.1 \
    --service-account-private-key-file="$p/sa.key" --root-ca-file="$p/ca.crt" --cluster-cidr=10.244.0.0/16 \
    --allocate-node-cidrs=false --controllers='*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller' --leader-elect=false --v=1
  start scheduler kube-scheduler --kubeconfig="$KUBECONFIG" --bind-address=127.0.0.1 --leader-elect=false --v=1
  cat > "$W/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: {kubeconfig: $KUBECONFIG}
clusterCIDR: 10.244.0.0/16
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
iptables: {localhostNodePorts: true, syncPeriod: 1s, minSyncPeriod: 0s}
EOF
  node_files 1
  start_node 1 "$NODE1" ingress-ready=true
  start kube-proxy kube-proxy --config="$W/kube-proxy.yaml" --hostname-override="$NODE1" --v=1
  # KEP-1755: where the local registry is (ctlptl writes the same ConfigMap; Tilt reads it).
  "${NS[@]}" kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: ConfigMap
metadata: {name: local-registry-hosting, namespace: kube-public}
data:
  localRegistryHosting.v1: |
    host: "localhost:$REG_PORT"
    help: "https://kind.sigs.k8s.io/docs/user/local-registry/"
EOF
  # The one StorageClass, ReadWriteOnce only as kind's local-path, EKS's, GKE's and AKS's
  # defaults are: no provisioner here, so claims bind to PersistentVolumes a test creates.
  "${NS[@]}" kubectl apply -f - >/dev/null <<EOF
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
EOF
  docker_api
  say "up: node Ready $((SECONDS - t0)) s after etcd started"
}

# podman's Docker API, for Tilt's docker_build (there is no Docker engine here). It runs in the
# host's network namespace, where builds reach the npm registry; chroot isolation, because the OCI
# runtime's cannot start build containers on these machines; pushes to the local registry over HTTP.
docker_api() {
  cat > "$W/registries.conf" <<EOF
[[registry]]
location = "localhost:$REG_PORT"
insecure = true
EOF
  rm -f "$W/sock/docker.sock"
  (CONTAINERS_REGISTRIES_CONF="$W/registries.conf" BUILDAH_ISOLATION=chroot \
    setsid "$repo/scripts/container/podman.sh" system service --time=0 "unix://$W/sock/docker.sock" > "$W/log/docker-api.log" 2>&1 &
    echo $! > "$W/pid/docker-api")
  wait_for 120 "podman's Docker API" curl -fs --unix-socket "$W/sock/docker.sock" http://d/_ping
}

print_env() {
  local bins=$W/bin
  bins=$bins:$("$repo/scripts/tools/tilt.sh"):$(dirname "$("$repo/scripts/tools/helm.sh")")
  cat <<EOF
export KUBECONFIG='$W/kubeconfig'
export DOCKER_HOST='unix://$W/sock/docker.sock' DOCKER_BUILDKIT=0
export XDG_DATA_HOME='$repo/.tools/tilt-data'
export PATH='$bins':"\$PATH"
export NODE_IMAGE='$DEV_BASE_IMAGE'
EOF
  local registry; registry=$(npm config get registry 2>/dev/null || true)
  [ -z "$registry" ] || echo "export NPM_CONFIG_REGISTRY='$registry'"
}

node2() {
  [ -f "$W/pid/kubelet2" ] && return
  "${NS[@]}" ip addr add 10.250.0.2/32 dev whc0
  node_files 2
  start_node 2 "$NODE2"
  say "node2: $NODE2 Ready"
}

down() {
  [ -d "$W/pid" ] || return 0
  stop docker-api controller-manager scheduler
  if [ -e "$W/netns" ] && [ -f "$W/pid/apiserver" ]; then
    "${NS[@]}" kubectl delete pods --all -A --grace-period=1 --wait=false >/dev/null 2>&1 || true
    local i left s
    for i in $(seq 120); do
      left=0
      for s in "$W"/node*/containerd/containerd.sock; do
        [ -S "$s" ] && left=$((left + $(ctr -a "$s" -n k8s.io tasks ls -q 2>/dev/null | wc -l || true)))
      done
      [ "$left" = 0 ] && break
      sleep 0.5
    done
  fi
  stop kubelet2 kubelet1 kube-proxy
  # shims whose containers are gone exit with containerd; kill any survivor by its recorded PID
  local f
  for f in "$W"/node*/containerd/state/io.containerd.runtime.v2.task/k8s.io/*/{init,shim}.pid; do
    if [ -f "$f" ]; then kill -9 "$(cat "$f")" 2>/dev/null || true; fi
  done
  stop containerd2 containerd1 apiserver etcd
  # shellcheck disable=SC2046 # one word per file name: the names are ours, without spaces
  stop $(ls "$W/pid")
  findmnt -rn -o TARGET | grep "^$W/" | grep -v "^$W/netns$" | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  if [ -e "$W/netns" ]; then umount "$W/netns" 2>/dev/null || true; rm -f "$W/netns"; fi
  local h
  for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
    for n in 1 2; do [ -d "$h/$CGROUP_NAME-node$n" ] && find "$h/$CGROUP_NAME-node$n" -depth -type d -exec rmdir {} + 2>/dev/null; done
  done
  # etcd's data and the nodes' state: a next `up` starts an empty cluster (images stay in the registry).
  rm -rf "$W/etcd" "$W"/node[12] "$W/pid"
  say "down"
}

case "${1:-}" in
  up) up ;;
  node2) node2 ;;
  down) down ;;
  ns) shift; exec "${NS[@]}" "$@" ;;
  env) print_env ;;
  *) echo "usage: scripts/cluster/kube.sh up|node2|down|env|ns CMD..." >&2; exit 2 ;;
esac
