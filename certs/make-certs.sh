#!/usr/bin/env bash
# Makes a CA and a serving certificate signed by it, for local runs and for the chart's "supplied"
# mode. Needs openssl.
#
#   certs/make-certs.sh OUT_DIR [SAN ...]      e.g. certs/make-certs.sh out DNS:harbormaster.hm.svc
#
# Writes OUT_DIR/{ca.crt,ca.key,tls.crt,tls.key}. localhost and 127.0.0.1 are always in the SANs.
# Leaves an existing certificate alone unless it expires within a day or FORCE=1 is set.
set -euo pipefail
out=${1:?usage: make-certs.sh OUT_DIR [SAN ...]}
shift
days=${DAYS:-365}
if [[ -z "${FORCE:-}" && -s "$out/tls.crt" && -s "$out/tls.key" ]] \
    && openssl x509 -checkend 86400 -noout -in "$out/tls.crt" >/dev/null 2>&1; then
  exit 0
fi
mkdir -p "$out"
sans="DNS:localhost,IP:127.0.0.1"
for san in "$@"; do sans="$sans,$san"; done
umask 077
openssl req -x509 -newkey rsa:2048 -nodes -days "$days" -subj "/CN=harbormaster-ca" \
  -keyout "$out/ca.key" -out "$out/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=harbormaster" \
  -keyout "$out/tls.key" -out "$out/tls.csr" 2>/dev/null
openssl x509 -req -in "$out/tls.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial -days "$days" \
  -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n' "$sans") \
  -out "$out/tls.crt" 2>/dev/null
rm -f "$out/tls.csr" "$out/ca.srl"
chmod 644 "$out/ca.crt" "$out/tls.crt"
echo "made $out/tls.crt for $sans (CA: $out/ca.crt)"
