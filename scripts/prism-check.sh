#!/usr/bin/env bash
# Drives a realistic sequence of requests through Prism's validating proxy in front of a fresh
# demo server, so that a tool written elsewhere checks api/openapi.yaml against what the server
# really sends and accepts: create customer → site → invoice → cheque payment → refund →
# customer payment → every list with its filters, `sort` and `fields` → JSON Patch of a
# provider, a customer and a site, plus a few errors. Prism (`proxy --errors`) validates every
# request and response against the contract; any violation it reports, or any unexpected status,
# fails the script.
#
# Usage: scripts/prism-check.sh        (needs Go, Node.js >= 18.20 with npx, curl and jq)
# Env:   EP_PORT (default 18084), PRISM_PORT (default 18085), PRISM_VERSION (default below),
#        CONTRACT (default api/openapi.yaml: the document Prism validates against).
set -euo pipefail
cd "$(dirname "$0")/.."

PRISM_VERSION=${PRISM_VERSION:-5.14.2} # the newest @stoplight/prism-cli that runs on Node.js 20
EP_PORT=${EP_PORT:-18084}
PRISM_PORT=${PRISM_PORT:-18085}
CONTRACT=${CONTRACT:-api/openapi.yaml}
for tool in go npx curl jq; do
  command -v "$tool" >/dev/null || { echo "prism-check: $tool is needed" >&2; exit 2; }
done

work=$(mktemp -d)
ep_pid= prism_pid=
cleanup() {
  # Each was started in its own process group (setsid): end exactly those groups.
  [[ -n $prism_pid ]] && kill -- "-$prism_pid" 2>/dev/null || true
  [[ -n $ep_pid ]] && kill -- "-$ep_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

wait_for() { # wait_for FILE TEXT WHAT
  for _ in $(seq 1 120); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "prism-check: $3 did not start:" >&2
  cat "$1" >&2
  exit 1
}

echo "building elevatepay"
go build -o "$work/elevatepay" ./cmd/elevatepay
pushd "$work" >/dev/null # the demo SQLite database is created in the current directory
setsid ./elevatepay serve --demo --addr "127.0.0.1:$EP_PORT" >"$work/server.log" 2>&1 &
ep_pid=$!
popd >/dev/null
wait_for "$work/server.log" "elevatepay listening" "elevatepay"
TOKEN=$(sed -n '/^Admin token/{n;p;}' "$work/server.log")
[[ -n $TOKEN ]] || { echo "prism-check: no admin token in the server output" >&2; exit 1; }

echo "starting prism $PRISM_VERSION"
setsid npx --yes "@stoplight/prism-cli@$PRISM_VERSION" proxy --errors "$CONTRACT" \
  "http://127.0.0.1:$EP_PORT/v1" -h 127.0.0.1 -p "$PRISM_PORT" >"$work/prism.log" 2>&1 &
prism_pid=$!
wait_for "$work/prism.log" "Prism is listening" "prism"

P=http://127.0.0.1:$PRISM_PORT # Prism matches the contract's paths, which are relative to /v1
RUN=$(date +%s)-$$
calls=0 failures=0
BODY=

# call EXPECTED_STATUS METHOD PATH [JSON_BODY]: one request through Prism; the body lands in $BODY.
call() {
  local want=$1 method=$2 path=$3 data=${4-} ct=application/json
  local args=(-s -o "$work/body" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $TOKEN" -H 'Accept: application/json')
  if [[ $method == PATCH ]]; then ct=application/json-patch+json; fi
  if [[ -n $data ]]; then args+=(-H "Content-Type: $ct" --data-binary "$data"); fi
  if [[ $method == POST || $method == PATCH ]] && [[ $path != /authenticate ]]; then
    args+=(-H "Idempotency-Key: prism-$RUN-$calls")
  fi
  calls=$((calls + 1))
  local got
  got=$(curl "${args[@]}" "$P$path")
  BODY=$(cat "$work/body")
  if [[ $got != "$want" ]] || grep -q 'stoplight.io/prism/errors' "$work/body"; then
    failures=$((failures + 1))
    echo "FAIL $method $path → $got (want $want): $BODY" >&2
  else
    echo "ok   $method $path → $got"
  fi
}

# Log in (no bearer token needed; Prism still sees the header and ignores it for security: []).
call 200 POST /authenticate '{"brand":"elevatepay","username":"demo","password":"demo-password"}'

# Reference data: a customer, a site, an invoice. Optional fields sent as null = omitted.
call 201 POST /customers '{"contractOwnerId":7,"customerName":"Prism '"$RUN"'","customerAccountNumber":null,"currencyId":1,"creditThreshold":200}'
CUSTOMER=$(jq -e .id <<<"$BODY")
call 201 POST /sites '{"customerId":'"$CUSTOMER"',"siteName":"Prism HQ","endDate":null,"siteInvoiceDetails":{"paymentMethod":"BACS","mandateReference":null}}'
SITE=$(jq -e .id <<<"$BODY")
call 201 POST /invoices '{"customerId":'"$CUSTOMER"',"siteId":'"$SITE"',"billRunType":"NORMAL","invoiceNumber":"PRISM-'"$RUN"'","invoiceDate":"2024-05-01","dueDate":"2024-05-31","totalInMajorCurrency":250,"paymentMethod":null}'
INVOICE=$(jq -e .id <<<"$BODY")

# Money: a cheque (thirdPartyPaymentStatus null both ways), a refund, a customer payment.
call 201 POST /invoice-payments '{"generatedInvoiceId":'"$INVOICE"',"thirdPartyPaymentStatus":null,"amountInMajorCurrency":20,"description":"Cheque 000124","paymentMethod":"CHEQUE","paymentDate":null}'
CHEQUE=$(jq -e .id <<<"$BODY")
call 201 POST /refunds '{"invoiceId":'"$INVOICE"',"billRunType":null,"description":"Goodwill","paymentMethod":null,"amountInMajorCurrency":10}'
call 200 POST /customer-payments '{"customerId":'"$CUSTOMER"',"amountInMajorCurrency":50,"type":"BACS","reference":"BANK-REF-7781","billRunType":null}'
PAYMENT=$(jq -e .id <<<"$BODY")

# Every list, with filters (repeated ones for ranges), sort and fields; the single reads.
# (GET /site-payment-mandates and the other operations that still answer 501 are left out: for
# a 501 Prism would answer with a mock of its own, which checks nothing.)
call 200 GET "/payment-providers?page=1&pageSize=10&type=in:GO_CARDLESS,STRIPE,CHEQUE&retryIfPossible=true&sort=name:desc,id"
call 200 GET "/payment-providers?page=1&pageSize=10&fields=id,type,name"
call 200 GET "/payment-providers/1?fields=id,name,contractOwnerIds"
call 200 GET "/invoice-payments?page=1&pageSize=50&customerPaymentType=CUSTOMER&customerPaymentId=$PAYMENT"
call 200 GET "/invoice-payments?page=1&pageSize=50&generatedInvoiceId=$INVOICE&generatedInvoiceId=gte:1&sort=paymentDate:desc,id&fields=id,thirdPartyPaymentStatus,amountInMajorCurrency"
call 200 GET "/invoice-payments/$CHEQUE"
call 200 GET "/adhoc-invoice-payments?page=1&pageSize=50&adhocBillRunId=gte:1&adhocBillRunId=lt:100000&sort=amountInMajorCurrency:desc"
call 200 GET "/refunds?page=1&pageSize=50&invoiceId=$INVOICE&billRunType=NORMAL&fields=id,invoiceId,thirdPartyRefundStatus"
call 200 GET "/customer-payments?customer_id=$CUSTOMER&page=1&pageSize=50"
call 200 GET "/customer-payments?customer_id=$CUSTOMER&page=1&pageSize=50&excludeDebits=true&filter=like:BANK*&customerPaymentType=in:CUSTOMER,INVOICE&fields=id,type,billRunType"
call 200 GET "/customer-payments/$PAYMENT"
call 200 GET "/customer-balances?customer_id=$CUSTOMER"
call 200 GET "/customer-balances?customer_id=$CUSTOMER&fields=customerId,balance"
call 200 GET "/customer-credit-status?page=1&pageSize=50&percentageDifference=gte:80&percentageDifference=lt:100&sort=percentageDifference:desc,customerId"
call 200 GET "/currencies?page=1&pageSize=10&code=in:GBP,EUR&sort=name:desc,id"
call 200 GET "/customers?page=1&pageSize=20&customerName=like:prism&currencyId=in:1,2&fields=id,customerName"
call 200 GET "/customers/$CUSTOMER"
call 200 GET "/sites?page=1&pageSize=20&customerId=$CUSTOMER&siteName=like:HQ&sort=startDate:desc,id"
call 200 GET "/sites/$SITE?fields=id,siteInvoiceDetails"
call 200 GET "/invoices?page=1&pageSize=20&invoiceDate=gte:2024-01-01&invoiceDate=lt:2025-01-01&paymentStatus=in:UNPAID,PARTIALLY_PAID&sort=dueDate"
call 200 GET "/invoices?page=1&pageSize=20&customerId=$CUSTOMER&thirdPartyPaymentStatus=in:FAILED,PAID_OUT&fields=id,invoiceNumber,paymentMethod"
call 200 GET "/invoices/$INVOICE"

# JSON Patch: a provider (guarded by test), a customer (null clears a field), a site.
call 200 PATCH /payment-providers/1 '[{"op":"test","path":"/status","value":"ACTIVE"},{"op":"replace","path":"/retryIfPossible","value":false}]'
call 200 PATCH "/customers/$CUSTOMER" '[{"op":"replace","path":"/creditThreshold","value":null}]'
call 200 PATCH "/sites/$SITE" '[{"op":"replace","path":"/siteName","value":"Prism HQ 2"}]'

# Errors the server answers (valid for Prism, refused by the server): the Error body is checked.
call 400 GET "/customers?page=1&pageSize=5&sort=nosuchfield"
call 404 GET "/customers/999999999"

# Every violation, warning or error Prism noticed, even one that did not turn into an error
# response (a violation of severity warning, an upstream 501 that Prism answered with a mock).
if grep -Eqi 'violation|warning|error' "$work/prism.log"; then
  echo "prism-check: Prism reported problems:" >&2
  grep -Ei -A3 'violation|warning|error' "$work/prism.log" >&2
  failures=$((failures + 1))
fi
echo "$calls requests through prism $PRISM_VERSION, $failures failures"
[[ $failures -eq 0 ]]
