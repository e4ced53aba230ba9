#!/usr/bin/env bash
# kafka-dist.sh JARS VERSION OUT — a stand-in for Apache Kafka's binary
# distribution, kafka_2.13-VERSION.tgz in OUT, for the boot test
# (tests/boot-debian.sh), which must not reach archive.apache.org: the
# release's jars (the Maven cache scripts/kafka-local fills) under libs/,
# and bin/ scripts written here that do what the release's do where a
# deployment meets them:
#   kafka-server-start.sh: KAFKA_HEAP_OPTS default -Xmx1G -Xms1G, the
#     server's log4j config, then kafka-run-class.sh -name kafkaServer
#     -loggc kafka.Kafka;
#   kafka-run-class.sh: LOG_DIR defaults to the distribution's logs/
#     (made if missing, when a log4j config is given), -loggc becomes
#     -Xlog:gc*:file=$LOG_DIR/kafkaServer-gc.log (a file the JVM cannot
#     open stops it: "Could not create the Java Virtual Machine"), the
#     classpath is libs/*;
#   kafka-storage.sh, kafka-topics.sh: their tools' classes.
set -euo pipefail
jars=$1 version=$2 out=$3
name=kafka_2.13-$version
work=$(mktemp -d "${TMPDIR:-/tmp}/kafka-dist.XXXXXX")
trap 'rm -rf "$work"' EXIT
d=$work/$name
mkdir -p "$d/libs" "$d/bin" "$d/config"
cp "$jars"/*.jar "$d/libs/"

cat >"$d/bin/kafka-run-class.sh" <<'EOF'
#!/bin/bash
# stand-in (tests/kafka-dist.sh): the release's LOG_DIR and GC log rules
base_dir=$(dirname "$0")/..
[ -n "$LOG_DIR" ] || LOG_DIR="$base_dir/logs"
if [ -z "$KAFKA_LOG4J_OPTS" ]; then
  KAFKA_LOG4J_OPTS="-Dlog4j2.configurationFile=$base_dir/config/tools-log4j2.properties"
elif [ ! -d "$LOG_DIR" ]; then
  mkdir -p "$LOG_DIR"
fi
KAFKA_LOG4J_OPTS="-Dkafka.logs.dir=$LOG_DIR $KAFKA_LOG4J_OPTS"
[ -n "$KAFKA_HEAP_OPTS" ] || KAFKA_HEAP_OPTS="-Xmx256M"
[ -n "$KAFKA_JVM_PERFORMANCE_OPTS" ] || KAFKA_JVM_PERFORMANCE_OPTS="-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true"
while [ $# -gt 0 ]; do
  case $1 in
    -name) DAEMON_NAME=$2; shift 2 ;;
    -loggc) [ -n "$KAFKA_GC_LOG_OPTS" ] || GC_LOG_ENABLED=true; shift ;;
    *) break ;;
  esac
done
if [ "$GC_LOG_ENABLED" = true ]; then
  KAFKA_GC_LOG_OPTS="-Xlog:gc*:file=$LOG_DIR/$DAEMON_NAME-gc.log:time,tags:filecount=10,filesize=100M"
fi
[ -z "$JAVA_HOME" ] && JAVA=java || JAVA=$JAVA_HOME/bin/java
exec "$JAVA" $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS $KAFKA_GC_LOG_OPTS $KAFKA_LOG4J_OPTS -cp "$base_dir/libs/*" $KAFKA_OPTS "$@"
EOF
cat >"$d/bin/kafka-server-start.sh" <<'EOF'
#!/bin/bash
# stand-in (tests/kafka-dist.sh)
if [ $# -lt 1 ]; then echo "USAGE: $0 server.properties" >&2; exit 1; fi
base_dir=$(dirname "$0")
[ -n "$KAFKA_LOG4J_OPTS" ] || export KAFKA_LOG4J_OPTS="-Dlog4j2.configurationFile=$base_dir/../config/log4j2.properties"
[ -n "$KAFKA_HEAP_OPTS" ] || export KAFKA_HEAP_OPTS="-Xmx1G -Xms1G"
exec "$base_dir/kafka-run-class.sh" -name kafkaServer -loggc kafka.Kafka "$@"
EOF
printf '#!/bin/bash\nexec "$(dirname "$0")/kafka-run-class.sh" kafka.tools.StorageTool "$@"\n' >"$d/bin/kafka-storage.sh"
printf '#!/bin/bash\nexec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.TopicCommand "$@"\n' >"$d/bin/kafka-topics.sh"
printf '#!/bin/bash\nexec "$(dirname "$0")/kafka-run-class.sh" kafka.admin.ConfigCommand "$@"\n' >"$d/bin/kafka-configs.sh"
chmod 755 "$d"/bin/*.sh
cat >"$d/config/log4j2.properties" <<'EOF'
rootLogger.level=INFO
rootLogger.appenderRef.out.ref=out
appender.out.type=Console
appender.out.name=out
appender.out.layout.type=PatternLayout
appender.out.layout.pattern=[%d] %p %m (%c)%n
EOF
sed 's/^rootLogger.level=INFO/rootLogger.level=WARN/; s/type=Console/type=Console\nappender.out.target=SYSTEM_ERR/' \
	"$d/config/log4j2.properties" >"$d/config/tools-log4j2.properties"
mkdir -p "$out"
tar -C "$work" --owner=0 --group=0 -czf "$out/$name.tgz" "$name"
echo "$out/$name.tgz"
