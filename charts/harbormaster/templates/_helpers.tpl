{{- define "harbormaster.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release name, with the chart name appended unless it is already in it. */}}
{{- define "harbormaster.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "harbormaster.selectorLabels" -}}
app.kubernetes.io/name: {{ include "harbormaster.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "harbormaster.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "harbormaster.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "harbormaster.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/* The Secret holding tls.crt and tls.key; one name per mode, so switching modes never collides with a Secret another owner made. */}}
{{- define "harbormaster.tlsSecretName" -}}
{{- if eq .Values.certificates.mode "secret" }}
{{- required "certificates.secretName is required when certificates.mode is secret" .Values.certificates.secretName }}
{{- else if eq .Values.certificates.mode "certManager" }}
{{- include "harbormaster.fullname" . }}-cert-manager-tls
{{- else }}
{{- include "harbormaster.fullname" . }}-tls
{{- end }}
{{- end }}

{{/* The names kube-apiserver may use for the Service, as a JSON list. */}}
{{- define "harbormaster.dnsNames" -}}
{{- $svc := include "harbormaster.fullname" . }}
{{- $ns := .Release.Namespace }}
{{- list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.cluster.local" $svc $ns) | toJson }}
{{- end }}

{{/*
What every webhook shares. Takes a dict: root (the chart context), path, caBundle (may be empty),
failurePolicy (optional: webhook.failurePolicy).
*/}}
{{- define "harbormaster.webhook" -}}
{{- $root := .root -}}
{{- $values := $root.Values.webhook -}}
clientConfig:
  service:
    name: {{ include "harbormaster.fullname" $root }}
    namespace: {{ $root.Release.Namespace }}
    path: {{ .path }}
    port: 443
  {{- with .caBundle }}
  caBundle: {{ . }}
  {{- end }}
admissionReviewVersions: [v1]
sideEffects: None
timeoutSeconds: {{ $values.timeoutSeconds }}
failurePolicy: {{ .failurePolicy | default $values.failurePolicy }}
# Never the release namespace (the server must be able to start without itself) or kube-system
# (the cluster must be able to heal while the webhook is down).
namespaceSelector:
  matchExpressions:
  - key: kubernetes.io/metadata.name
    operator: NotIn
    values: {{ concat (list $root.Release.Namespace "kube-system") $values.excludeNamespaces | uniq | toJson }}
matchConditions:
# Whatever the server itself writes (PolicyReports) never waits on the server.
- name: not-harbormaster
  expression: request.userInfo.username != 'system:serviceaccount:{{ $root.Release.Namespace }}:{{ include "harbormaster.fullname" $root }}'
{{- end }}

{{/* What `harbormaster export vap` lowered, and the webhook rules the rest need (in-tree/report.yaml). */}}
{{- define "harbormaster.inTreeReport" -}}
{{- if not .Values.policies.defaultPack }}
{{- fail "policies.inTree installs the default pack's lowered policies: it needs policies.defaultPack" }}
{{- end }}
{{- .Files.Get "in-tree/report.yaml" }}
{{- end }}

{{- /*
The policies kube-apiserver runs in-tree, comma-separated, for harbormaster.admission.in-tree-policies:
the lowered validating ones (and mutating ones with inTreeMutating), but any that policies.extra replaces.
*/}}
{{- define "harbormaster.inTreePolicies" -}}
{{- $replaced := list }}
{{- range $file, $content := .Values.policies.extra }}
{{- range (splitList "\n---" (printf "\n%s" $content)) }}
{{- $doc := fromYaml . }}
{{- if and $doc $doc.metadata }}{{- $replaced = append $replaced $doc.metadata.name }}{{- end }}
{{- end }}
{{- end }}
{{- $names := list }}
{{- range (include "harbormaster.inTreeReport" . | fromYaml).lowered }}
{{- if and (or (eq .kind "ValidatingPolicy") $.Values.policies.inTreeMutating) (not (has .policy $replaced)) }}
{{- $names = append $names .policy }}
{{- end }}
{{- end }}
{{- join "," $names }}
{{- end }}
