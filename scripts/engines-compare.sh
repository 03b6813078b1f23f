#!/usr/bin/env bash
# Sends the same hostile requests to a fresh demo server on SQLite and on PostgreSQL and fails
# unless both answer identically (status and message): NUL bytes in filters and bodies, integers
# past 2^31 and 2^63, extreme numbers, deep and wide bodies, non-canonical paths, invented
# methods, an empty Idempotency-Key, many unknown keys. The engines must behave alike.
#
# Usage: scripts/engines-compare.sh     (needs Go, curl, jq, psql and a PostgreSQL server)
# Env:   PG_URL (default postgres://postgres@127.0.0.1:5432/test?sslmode=disable),
#        SQ_PORT (default 18101), PG_PORT (default 18102).
set -euo pipefail
cd "$(dirname "$0")/.."
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
SQ_PORT=${SQ_PORT:-18101}
PG_PORT=${PG_PORT:-18102}
for tool in go curl jq psql; do
  command -v "$tool" >/dev/null || { echo "engines-compare: $tool is needed" >&2; exit 2; }
done

work=$(mktemp -d)
schema="compare_$$"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  psql -q "$PG_URL" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/elevatepay" ./cmd/elevatepay
psql -q "$PG_URL" -c "CREATE SCHEMA $schema" >/dev/null
mkdir "$work/sq" "$work/pg"
(cd "$work/sq" && exec "$work/elevatepay" serve --demo --addr "127.0.0.1:$SQ_PORT" >out.txt 2>err.txt) &
pids+=($!)
(cd "$work/pg" && exec "$work/elevatepay" serve --demo --addr "127.0.0.1:$PG_PORT" \
  --database "$PG_URL&search_path=$schema" --jwt-secret "engines-compare-secret-of-32-bytes-or-more" >out.txt 2>err.txt) &
pids+=($!)
for d in sq pg; do
  for _ in $(seq 1 100); do grep -q 'listening on' "$work/$d/out.txt" 2>/dev/null && break; sleep 0.2; done
  grep -q 'listening on' "$work/$d/out.txt" || { echo "engines-compare: the $d server did not start" >&2; cat "$work/$d/err.txt" >&2; exit 1; }
done

# run BASE TOKEN: one line per request, "name status message"
run() {
  local B=$1 T=$2
  req() { # name method path body [curl args…]
    local name=$1 m=$2 p=$3 body=$4 out
    shift 4
    if [[ -n $body ]]; then
      out=$(curl -s --path-as-is -o "$work/body" -w '%{http_code}' -X "$m" -H "Authorization: Bearer $T" \
        -H 'Content-Type: application/json' --data-binary "$body" "$@" "$B$p")
    else
      out=$(curl -s --path-as-is -o "$work/body" -w '%{http_code}' -X "$m" -H "Authorization: Bearer $T" "$@" "$B$p")
    fi
    echo "$name $out $(jq -r '.message? // (if type=="array" then "array of \(length)" else "object" end)' "$work/body" 2>/dev/null | head -c 200)"
  }
  req nul-filter GET '/v1/customers?page=1&pageSize=5&customerName=a%00b' ''
  req nul-like GET '/v1/customers?page=1&pageSize=5&customerName=like:%00' ''
  req nul-in GET '/v1/invoices?page=1&pageSize=5&invoiceNumber=in:a,%00' ''
  req nul-statement GET '/v1/customer-payments?customer_id=1&page=1&pageSize=5&filter=like:%00' ''
  req ctl-filter GET '/v1/sites?page=1&pageSize=5&siteName=%01' ''
  req big-owner GET '/v1/payment-providers?page=1&pageSize=5&contractOwnerId=99999999999' ''
  req big-owner-in GET '/v1/customers?page=1&pageSize=5&contractOwnerId=in:1,99999999999' ''
  req big-owner-gt GET '/v1/invoices?page=1&pageSize=5&contractOwnerId=gt:99999999999' ''
  req big-id GET '/v1/invoices?page=1&pageSize=5&id=9223372036854775808' ''
  req big-path GET '/v1/customers/9223372036854775808' ''
  req int31-path GET '/v1/payment-providers/2147483648' ''
  req pct-sort GET '/v1/customer-credit-status?page=1&pageSize=5&sort=percentageDifference:desc&percentageDifference=gte:1e17' ''
  req amount-filter GET '/v1/invoice-payments?page=1&pageSize=5&amountInMajorCurrency=gt:999999999999999999' ''
  req nul-body POST /v1/currencies '{"name":"X\u0000","code":"XXX","decimalPlaces":2}'
  req nul-user POST /v1/authenticate '{"brand":"elevatepay","username":"de\u0000mo","password":"x"}'
  req ctl-site POST /v1/sites '{"customerId":1,"siteName":"S","siteInvoiceDetails":{"paymentMethod":"BACS","mandateReference":"a\u0001"}}'
  req tiny-amount POST /v1/invoice-payments '{"generatedInvoiceId":1,"amountInMajorCurrency":1e-400,"paymentMethod":"CHEQUE"}'
  req huge-amount POST /v1/invoice-payments '{"generatedInvoiceId":1,"amountInMajorCurrency":1e400,"paymentMethod":"CHEQUE"}'
  req big-int POST /v1/invoice-payments '{"generatedInvoiceId":9223372036854775808,"amountInMajorCurrency":1,"paymentMethod":"CHEQUE","description":"x"}'
  req deep POST /v1/authenticate "$(printf '%.0s[' $(seq 1 40))"
  req wide POST /v1/authenticate "[$(printf '0,%.0s' $(seq 1 60000))0]"
  req double-slash GET '//v1/customers' ''
  req dot-dot GET '/v1/../v1/customers' ''
  req invented INVENTED '/v1/customers' ''
  req empty-key POST /v1/customers '{"contractOwnerId":7,"customerName":"E","currencyId":1}' -H 'Idempotency-Key;'
  req unknown-keys POST /v1/customers "{$(for i in $(seq 1 300); do printf '"k%d":1,' "$i"; done)\"contractOwnerId\":7}"
  req root GET '/' ''
}
token() { grep -A1 'Admin token' "$work/$1/out.txt" | tail -1; }
run "http://127.0.0.1:$SQ_PORT" "$(token sq)" >"$work/sqlite.txt"
run "http://127.0.0.1:$PG_PORT" "$(token pg)" >"$work/postgres.txt"
if ! diff -u "$work/sqlite.txt" "$work/postgres.txt"; then
  echo "engines-compare: the engines answered differently (- sqlite, + postgres)" >&2
  exit 1
fi
cat "$work/sqlite.txt"
if grep -E '^[^ ]+ 5[0-9][0-9] ' "$work/sqlite.txt"; then
  echo "engines-compare: a 5xx for client input" >&2
  exit 1
fi
echo "$(wc -l <"$work/sqlite.txt") requests: both engines answered identically, no 5xx"
