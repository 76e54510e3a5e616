{{- define "speech.fullname" -}}{{ .Release.Name }}-speech{{- end -}}
{{- define "speech.secretName" -}}{{ .Values.existingSecret | default (printf "%s-secrets" (include "speech.fullname" .)) }}{{- end -}}
{{- define "speech.labels" -}}
app.kubernetes.io/part-of: speech-coach
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}
