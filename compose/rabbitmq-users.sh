#!/bin/sh
# Runs once the broker is up, with the broker's administrator (the operator's login, never the services'): the same
# users as scripts/services. The worker's `corrections` owns the queues on "/" and may impersonate (its HTTP API
# publishes as the producer an API key proved); `example-producer` may only publish reports.
set -eu
api=http://rabbitmq:15672/api
put() { curl -fsS -u "$RABBITMQ_ADMIN_USER:$RABBITMQ_ADMIN_PASSWORD" -H 'content-type: application/json' -X PUT "$api/$1" -d "$2"; }
put users/corrections '{"password": "corrections", "tags": "impersonator"}'
put permissions/%2F/corrections '{"configure": ".*", "write": ".*", "read": ".*"}'
put users/example-producer '{"password": "example-producer", "tags": ""}'
put permissions/%2F/example-producer \
    '{"configure": "^(Corrections\\.Contracts:MisclassificationReported|.*_bus_.*)$", "write": "^(Corrections\\.Contracts:MisclassificationReported|.*_bus_.*)$", "read": "^.*_bus_.*$"}'
echo "broker users ready"
