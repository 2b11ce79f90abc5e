#!/usr/bin/env bash
# Tries to assemble a SubstrateVM 25 native-image from published parts (issue #19), OUTSIDE the repo:
#
#   bench/native/assemble-toolchain.sh [DIR]     # DIR defaults to /work/svm-toolchain
#
# 1. Fetches the builder's jars from Maven Central (org.graalvm.nativeimage:svm:25.0.4 and what its
#    POM depends on: the Graal compiler, pointsto, objectfile, the SDK's nativeimage/word/collections,
#    ...) into DIR/jars. These are published.
# 2. Checks for the C libraries a Linux image links against, which are NOT in any of those jars (nor
#    in svm's -sources jar, which holds Java only):
#      - the JDK's static libraries libjava.a, libnio.a, libnet.a (the ones SubstrateVM refuses to
#        build without, PlatformNativeLibrarySupport.defaultBuiltInLibraries), looked for in
#        $JAVA_HOME/lib/static/linux-amd64/glibc; Temurin ships none;
#      - SubstrateVM's own liblibchelper.a and libjvm.a (@CLibrary(requireStatic = true) in
#        com.oracle.svm.core.LibCHelper and com.oracle.svm.core.jdk.Jvm), which a GraalVM or Mandrel
#        distribution carries in lib/svm/clibraries/linux-amd64/.
#    It exits 2 naming each one missing. bench/native/README.md says why they cannot be built here.
# Nothing downloaded is committed; DIR is outside the work tree.
set -euo pipefail
DIR=${1:-/work/svm-toolchain}
VERSION=${SVM_VERSION:-25.0.4}
JAVA_HOME=${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$DIR/jars"

# A throw-away POM whose only job is to let dependency:copy-dependencies resolve svm's tree.
cat > "$DIR/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>svm-toolchain</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.graalvm.nativeimage</groupId><artifactId>svm</artifactId><version>$VERSION</version></dependency>
  </dependencies>
</project>
POM
(cd "$DIR" && JAVA_HOME=$JAVA_HOME "$REPO/mvnw" -B -q dependency:copy-dependencies -DoutputDirectory="$DIR/jars")
echo "builder jars (module path) in $DIR/jars:"; ls -1 "$DIR/jars" | sed 's/^/  /'

missing=()
STATIC=$JAVA_HOME/lib/static/linux-amd64/glibc
for lib in java nio net; do
  [[ -f $STATIC/lib$lib.a ]] || missing+=("JDK static library lib$lib.a (in $STATIC)")
done
CLIB=$DIR/clibraries/linux-amd64
for lib in libchelper jvm; do
  [[ -f $CLIB/lib$lib.a ]] || missing+=("SubstrateVM C library lib$lib.a (in $CLIB)")
done
# Is any of them inside a fetched jar after all?
for jar in "$DIR"/jars/*.jar; do
  if unzip -l "$jar" | grep -qE '\.(a|c|h)$'; then echo "note: $jar holds C files or archives"; fi
done
if ((${#missing[@]})); then
  printf 'cannot link a native image; missing:\n'; printf '  %s\n' "${missing[@]}"
  exit 2
fi
echo "all parts present: see bench/native/README.md for the builder's command"
