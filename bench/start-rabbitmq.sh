# Sourced by the bench scripts: installs RabbitMQ from Debian's packages when missing and starts a node
# on $rabbit_port (AMQP 0-9-1, and AMQP 1.0 with its plugin), logging to $work/rabbit.log; sets
# started_rabbit=1 when it started one (the caller stops it). Needs rabbit_port and work.
if ! command -v rabbitmq-server >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
fi
export RABBITMQ_NODE_PORT=$rabbit_port RABBITMQ_DIST_PORT=25673
rabbitmq-plugins enable --offline rabbitmq_amqp1_0 >/dev/null
if ! rabbitmqctl status >/dev/null 2>&1; then
  (rabbitmq-server >"$work/rabbit.log" 2>&1 &)
  started_rabbit=1
fi
# `rabbitmqctl await_startup` fails at once while a fresh node has not registered with epmd yet,
# so wait with a bounded retry of `status` instead (up to 120 s).
for i in $(seq 1 120); do
  if rabbitmqctl status >/dev/null 2>&1; then break; fi
  if [[ "$i" == 120 ]]; then echo "RabbitMQ did not start; its log:" >&2; cat "$work/rabbit.log" >&2 || true; exit 1; fi
  sleep 1
done
