# syntax=docker/dockerfile:1
# Harbormaster images, built from source in the image (tests are CI's job, not the image's):
#   docker build -t harbormaster:jvm .                    the JVM image (default target)
#   docker build -t harbormaster:native --target native --build-context shared=../shared .
#                                                         the native executable, tested by the
#                                                         integration suite before it is copied
# The chart runs either without arguments: that starts the server.
# Not built on the development machines (they have no container engine); see README, "Images".

# One JDK release for build and run: an AppCDS archive only loads in the JVM that wrote it.
# JDK 25, not 17: the same jar evaluates the default pack in 0.41x the CPU (JMH mean 231-237 -> 97-98 us,
# p99 432-466 -> 240-257 us; bench/RESULTS.md, "JDK 17 against JDK 25"). The code still builds for 17.
ARG TEMURIN=25.0.3_9

FROM eclipse-temurin:${TEMURIN}-jdk AS build
WORKDIR /build
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src/ src/
COPY policies/ policies/
COPY certs/ certs/
# exec.skip: no development certificate in an image. appcds: Quarkus starts the application once
# at package time and archives the classes it loads, for a faster start.
RUN ./mvnw -B -q package -DskipTests -Dexec.skip=true -Dquarkus.package.jar.appcds.enabled=true

FROM eclipse-temurin:${TEMURIN}-jre AS jvm
WORKDIR /deployments
COPY --from=build --chown=1001:0 /build/target/quarkus-app/ /deployments/
USER 1001
EXPOSE 8443 9000
# /tmp must be writable (an emptyDir under a read-only root filesystem); the chart mounts one.
# protobuf-java (cel-java's) still reads sun.misc.Unsafe, which JDK 24+ warns about at every start.
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/deployments/app-cds.jsa", "-XX:MaxRAMPercentage=75", \
            "--sun-misc-unsafe-memory-access=allow", "-Djava.io.tmpdir=/tmp", "-jar", "/deployments/quarkus-run.jar"]

FROM quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:jdk-25 AS native-build
WORKDIR /build/project
COPY --chown=quarkus:quarkus .mvn/ .mvn/
COPY --chown=quarkus:quarkus mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY --chown=quarkus:quarkus src/ src/
COPY --chown=quarkus:quarkus policies/ policies/
COPY --chown=quarkus:quarkus certs/ certs/
# The captured AdmissionReviews the integration suite sends live beside the project (../shared).
COPY --from=shared --chown=quarkus:quarkus fixtures/ /build/shared/fixtures/
# The unit tests are CI's job; the integration suite (*IT) runs here against the executable just
# linked: the doors, a run-time policy directory and cost limit, a reload, health, metrics, the CLI.
RUN ./mvnw -B verify -Pnative -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false

FROM quay.io/quarkus/ubi9-quarkus-micro-image:2.0 AS native
WORKDIR /work
COPY --from=native-build --chown=1001:0 /build/project/target/*-runner /work/harbormaster
USER 1001
EXPOSE 8443 9000
ENTRYPOINT ["/work/harbormaster"]
