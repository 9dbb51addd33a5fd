{{/* Names and labels, after the `helm create` starter. */}}

{{- define "whc-api.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped name; the release name alone when it already contains the chart name. */}}
{{- define "whc-api.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "whc-api.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every object carries. */}}
{{- define "whc-api.labels" -}}
helm.sh/chart: {{ include "whc-api.chart" . }}
app.kubernetes.io/name: {{ include "whc-api.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: whc-api
{{- end }}

{{/*
Selector of the API pods. The component label keeps the data Job's and the test pods out of
the Service's endpoints and out of the PodDisruptionBudget (a PDB that selects Job pods blocks drains).
*/}}
{{- define "whc-api.selectorLabels" -}}
app.kubernetes.io/name: {{ include "whc-api.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: api
{{- end }}

{{- define "whc-api.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "whc-api.serviceAccountName" -}}
{{- default (include "whc-api.fullname" .) .Values.serviceAccount.name }}
{{- end }}

{{- define "whc-api.dataClaimName" -}}
{{- default (printf "%s-data" (include "whc-api.fullname" .)) .Values.data.existingClaim }}
{{- end }}

{{/*
The image's own copy of the data (the Dockerfile copies data/ to /app/data; a test checks that
this and the production image's DATA_FILE agree).
*/}}
{{- define "whc-api.imageDataDir" -}}
/app/data
{{- end }}

{{/* The data volume is in use: data.source=volume. */}}
{{- define "whc-api.dataVolume" -}}
{{- if eq .Values.data.source "volume" }}true{{ end }}
{{- end }}

{{/* The data file every API pod serves (DATA_FILE): on the volume, or the image's own copy. */}}
{{- define "whc-api.dataFile" -}}
{{- $dir := ternary (trimSuffix "/" .Values.data.mountPath) (include "whc-api.imageDataDir" .) (eq .Values.data.source "volume") }}
{{- printf "%s/%s" $dir .Values.data.fileName }}
{{- end }}

{{/* The data Job and its CronJob exist: a volume to publish onto, and publishing on. */}}
{{- define "whc-api.dataJobEnabled" -}}
{{- if and (include "whc-api.dataVolume" .) .Values.dataJob.enabled }}true{{ end }}
{{- end }}

{{/*
The data Job's name carries a hash of its pod template, because a Job's template cannot be
changed in place: an upgrade that changes what is published (image, source, file) creates a new
Job and removes the old one; an upgrade that changes nothing leaves the completed Job alone.
*/}}
{{- define "whc-api.dataJobName" -}}
{{- printf "%s-data-%s" (include "whc-api.fullname" .) (include "whc-api.dataPublisherPod" . | sha256sum | trunc 10) }}
{{- end }}

{{/* Every pod's security context: the chart's restricted one, each key of podSecurityContext replacing its own. */}}
{{- define "whc-api.podSecurityContext" -}}
{{- $context := dict "runAsNonRoot" true "runAsUser" 1000 "runAsGroup" 1000 "fsGroup" 1000 "seccompProfile" (dict "type" "RuntimeDefault") }}
{{- range $key, $value := .Values.podSecurityContext }}{{ $_ := set $context $key $value }}{{ end }}
{{- toYaml $context }}
{{- end }}

{{/*
The API container's security context: the chart's, each key of securityContext replacing its own
(set key by key, not with merge: Sprig's merge keeps the chart's true over a given false).
*/}}
{{- define "whc-api.apiContainerSecurityContext" -}}
{{- $context := dict "allowPrivilegeEscalation" false "readOnlyRootFilesystem" true "capabilities" (dict "drop" (list "ALL")) }}
{{- range $key, $value := .Values.securityContext }}{{ $_ := set $context $key $value }}{{ end }}
{{- toYaml $context }}
{{- end }}

{{/* Every other container's: the API container's, but always with a read-only root (nothing live-updates them). */}}
{{- define "whc-api.containerSecurityContext" -}}
{{- $context := include "whc-api.apiContainerSecurityContext" . | fromYaml }}
{{- $_ := set $context "readOnlyRootFilesystem" true }}
{{- toYaml $context }}
{{- end }}

{{/* Where every pod of the release may run: nodeSelector and tolerations, for the API, data Job and test pods alike. */}}
{{- define "whc-api.placement" -}}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
A writable /tmp for every container, whatever its root filesystem: Node, npm and tools put
scratch files there, and a read-only root would make them fail. Memory-backed, and counted
toward the container's memory limit, so it is capped.
*/}}
{{- define "whc-api.tmpVolume" -}}
- name: tmp
  emptyDir:
    medium: Memory
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end }}
{{- define "whc-api.tmpMount" -}}
- name: tmp
  mountPath: /tmp
{{- end }}
