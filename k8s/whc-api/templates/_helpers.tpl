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

{{/* Where the data file sits inside every pod that mounts the data volume. */}}
{{- define "whc-api.dataFile" -}}
{{- printf "%s/%s" (trimSuffix "/" .Values.data.mountPath) .Values.data.fileName }}
{{- end }}

{{- define "whc-api.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsGroup }}
fsGroup: {{ .Values.securityContext.runAsGroup }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Every container's; the API container's root follows securityContext.readOnlyRootFilesystem (dev: writable), the others' is always read-only. */}}
{{- define "whc-api.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end }}
{{- define "whc-api.apiContainerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: {{ .Values.securityContext.readOnlyRootFilesystem }}
capabilities:
  drop: ["ALL"]
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
