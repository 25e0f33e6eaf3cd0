# The engine and the load generator in one image, over the jars the Maven build makes:
#   ./mvnw -q -DskipTests package && docker compose build
# The build context is the repository; .dockerignore keeps everything but the two jars out of it.
# Built for Java 17, run on Temurin 25, on which the bench measured the engine faster (README, "Which Java to run
# it on").
FROM eclipse-temurin:25-jre

RUN groupadd --system profilestream \
    && useradd --system --gid profilestream --home-dir /var/lib/profilestream profilestream \
    && mkdir -p /var/lib/profilestream \
    && chown profilestream:profilestream /var/lib/profilestream

WORKDIR /opt/profilestream
COPY streams-app/target/profilestream.jar load-test/target/profilestream-load-test.jar ./

# Configuration comes from PROFILESTREAM_* variables (PROFILESTREAM_BOOTSTRAP_SERVERS -> bootstrap.servers).
# State lives under the work directory: mount a volume there so a restarted container restores little.
ENV PROFILESTREAM_WORK_DIR=/var/lib/profilestream \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError"
VOLUME /var/lib/profilestream
USER profilestream
EXPOSE 8080

# Ready once Kafka Streams runs; no curl in the image, so bash asks over /dev/tcp.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=6 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

# protobuf-java (under CEL) still uses sun.misc.Unsafe's memory access, which JDK 24 and later warn about at start.
ENTRYPOINT ["java", "--sun-misc-unsafe-memory-access=allow", "-jar", "/opt/profilestream/profilestream.jar"]
CMD ["run"]
