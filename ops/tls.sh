#!/usr/bin/env bash
# Certificates for trying TLS locally (use your own CA's in production), with openssl:
#   ops/tls.sh server [DIR]          a CA, and a server certificate for localhost/127.0.0.1 signed by it:
#                                    DIR/ca.pem, DIR/server.pem, DIR/server.key, DIR/haproxy.pem (chain + key)
#   ops/tls.sh client NAME [DIR]     a client certificate with CN=NAME signed by DIR/ca.pem (mTLS):
#                                    DIR/NAME.pem, DIR/NAME.key. The node maps the CN to the API client NAME
#                                    (ops/keys.sh create --client NAME --roles ...).
# DIR defaults to var/tls. The node serves HTTPS with FRAUD_HTTP_TLS_CERT_PATH=DIR/server.pem
# FRAUD_HTTP_TLS_KEY_PATH=DIR/server.key, and requires client certificates with FRAUD_HTTP_TLS_CLIENT_CA_PATH=DIR/ca.pem.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v openssl >/dev/null || { echo "openssl is needed (apt-get install openssl)" >&2; exit 1; }

ca() {
  local dir=$1
  [ -f "$dir/ca.pem" ] && return
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=fraudscore local CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
}

signed() { # dir name subject-cn extension-file
  local dir=$1 name=$2 cn=$3 ext=$4
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$cn" -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 365 \
    -extfile "$ext" -out "$dir/$name.pem" 2>/dev/null
  rm -f "$dir/$name.csr"
  chmod 600 "$dir/$name.key"
}

case "${1:-}" in
  server)
    dir=${2:-var/tls}; mkdir -p "$dir"; ca "$dir"
    ext=$(mktemp); printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$ext"
    signed "$dir" server localhost "$ext"; rm -f "$ext"
    cat "$dir/server.pem" "$dir/server.key" > "$dir/haproxy.pem"; chmod 600 "$dir/haproxy.pem"
    echo "$dir/server.pem, $dir/server.key (node); $dir/haproxy.pem (HAProxy); CA $dir/ca.pem"
    ;;
  client)
    name=${2:?client name}; dir=${3:-var/tls}; mkdir -p "$dir"; ca "$dir"
    ext=$(mktemp); printf 'extendedKeyUsage=clientAuth\n' > "$ext"
    signed "$dir" "$name" "$name" "$ext"; rm -f "$ext"
    echo "$dir/$name.pem, $dir/$name.key (CN=$name); the node trusts it with http.tls.clientCaPath=$dir/ca.pem"
    ;;
  *) sed -n '2,10p' "$0"; exit 2 ;;
esac
