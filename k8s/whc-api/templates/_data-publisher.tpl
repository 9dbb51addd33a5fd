{{/*
Pod template of the data publisher, shared by the Job of the release and the on-demand
CronJob: `whc-data publish` validates the source with the service's own loader, writes a
temporary file on the volume and renames it over the served file, so readers never see half a
file and a bad source leaves the old file in place (the Job then fails).
*/}}
{{- define "whc-api.dataPublisherPod" -}}
metadata:
  labels:
    {{- include "whc-api.labels" . | nindent 4 }}
    app.kubernetes.io/component: data-publisher
spec:
  restartPolicy: Never
  serviceAccountName: {{ include "whc-api.serviceAccountName" . }}
  automountServiceAccountToken: false
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- include "whc-api.podSecurityContext" . | nindent 4 }}
  containers:
    - name: publish
      image: {{ include "whc-api.image" . | quote }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      command:
        - node
        - dist/cli/data.js
        - publish
        {{- if .Values.dataJob.allowShrink }}
        - --allow-shrink
        {{- end }}
        - {{ .Values.dataJob.source | quote }}
        - {{ include "whc-api.dataFile" . | quote }}
      securityContext:
        {{- include "whc-api.containerSecurityContext" . | nindent 8 }}
      resources:
        requests:
          cpu: 50m
          memory: 128Mi
        limits:
          memory: 256Mi
      volumeMounts:
        - name: data
          mountPath: {{ .Values.data.mountPath }}
        {{- include "whc-api.tmpMount" . | nindent 8 }}
  volumes:
    - name: data
      persistentVolumeClaim:
        claimName: {{ include "whc-api.dataClaimName" . }}
    {{- include "whc-api.tmpVolume" . | nindent 4 }}
  {{- with include "whc-api.placement" . }}{{ . | trim | nindent 2 }}{{ end }}
{{- end }}
