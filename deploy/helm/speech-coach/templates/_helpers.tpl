{{- define "speech.fullname" -}}{{ .Release.Name }}-speech{{- end -}}
{{- define "speech.secretName" -}}{{ .Values.existingSecret | default (printf "%s-secrets" (include "speech.fullname" .)) }}{{- end -}}
{{- define "speech.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}{{ .Values.serviceAccount.name | default (include "speech.fullname" .) }}{{ else }}{{ .Values.serviceAccount.name | default "default" }}{{ end }}
{{- end -}}
{{- define "speech.labels" -}}
app.kubernetes.io/part-of: speech-coach
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Checks of values that would otherwise start pods that crash or idle. */}}
{{- define "speech.validate" -}}
{{- if not .Values.existingSecret }}
{{- if not .Values.secrets.mongodbUrl }}{{ fail "secrets.mongodbUrl (MONGODB_URL) is required, or name an existingSecret that holds it" }}{{ end }}
{{- if and (not .Values.secrets.authJwtSecret) (not .Values.auth.jwksUrl) (not .Values.auth.oidc.issuerUrl) }}{{ fail "set secrets.authJwtSecret (at least 16 characters), auth.jwksUrl or auth.oidc.issuerUrl, or name an existingSecret" }}{{ end }}
{{- if and .Values.secrets.authJwtSecret (lt (len .Values.secrets.authJwtSecret) 16) }}{{ fail "secrets.authJwtSecret must be at least 16 characters" }}{{ end }}
{{- if and .Values.kafka.sasl.mechanism (not .Values.secrets.kafkaSaslPassword) }}{{ fail "kafka.sasl.mechanism is set: secrets.kafkaSaslPassword is required" }}{{ end }}
{{- if and .Values.schemaRegistry.username (not .Values.secrets.schemaRegistryPassword) }}{{ fail "schemaRegistry.username is set: secrets.schemaRegistryPassword is required" }}{{ end }}
{{- if ne (empty .Values.secrets.awsAccessKeyId) (empty .Values.secrets.awsSecretAccessKey) }}{{ fail "set both secrets.awsAccessKeyId and secrets.awsSecretAccessKey, or neither (IRSA / instance role)" }}{{ end }}
{{- end }}
{{- if and .Values.auth.oidc.issuerUrl (not .Values.auth.audience) }}{{ fail "auth.oidc.issuerUrl is set: auth.audience (AUTH_AUDIENCE, the API's audience at the provider) is required" }}{{ end }}
{{- if and .Values.auth.oidc.issuerUrl (not .Values.auth.oidc.clientId) }}{{ fail "auth.oidc.issuerUrl is set: auth.oidc.clientId (the dashboard's client) is required" }}{{ end }}
{{- if and .Values.kafka.sasl.mechanism (not .Values.kafka.sasl.username) }}{{ fail "kafka.sasl.mechanism is set: kafka.sasl.username is required" }}{{ end }}
{{- if and .Values.whisper.enabled (hasKey .Values.env "STT_PROVIDER") }}{{ fail "whisper.enabled sends every chunk to the Whisper service: unset env.STT_PROVIDER, or set whisper.enabled=false to use another provider" }}{{ end }}
{{- end -}}

{{/* The pod-level settings every Deployment shares. */}}
{{- define "speech.podSpec" -}}
serviceAccountName: {{ include "speech.serviceAccountName" . }}
automountServiceAccountToken: false
{{- with .Values.imagePullSecrets }}
imagePullSecrets: {{- toYaml . | nindent 2 }}
{{- end }}
securityContext: {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}
