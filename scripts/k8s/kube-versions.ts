/**
 * The Kubernetes minors this project supports: the three with upstream patch support in December
 * 2026. Chart.yaml's kubeVersion admits these and every later minor, not older ones (the chart tests
 * render at each, and check the minor below is refused and later ones are not). Renders pin a
 * version because unpinned Helm 4 assumes its own.
 */
export const SUPPORTED_KUBE_VERSIONS = ['1.35.0', '1.36.0', '1.37.0'] as const;
/** The newest supported minor: the one the kind node image in ctlptl.yaml runs. */
export const KUBE_VERSION: string = SUPPORTED_KUBE_VERSIONS[SUPPORTED_KUBE_VERSIONS.length - 1] ?? '';
