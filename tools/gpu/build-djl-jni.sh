#!/usr/bin/env bash
# Builds DJL 0.35.0's PyTorch JNI (libdjl_torch.so) from DJL's sources against a given libtorch, so the SDK runs
# on any local PyTorch/libtorch install (any CUDA version) without DJL's prebuilt JNI, which loads only against
# the libtorch it was built for (2.7.1). Offline: nothing is downloaded. docs/gpu.md has the walk-through.
#
#   tools/gpu/build-djl-jni.sh --djl-src DIR --libtorch DIR [options]
#
#   --djl-src DIR      DJL's sources at v0.35.0: a checkout, or a folder holding what
#                      `git archive v0.35.0 engines/pytorch api/src/main/native` extracts
#   --djl-git GITDIR   instead of --djl-src: a (bare) git repository of deepjavalibrary/djl; v0.35.0 is archived
#   --libtorch DIR     the libtorch prefix: a folder with share/cmake/Torch/TorchConfig.cmake (a libtorch zip,
#                      or python -c 'import torch; print(torch.utils.cmake_prefix_path + "/../..")'), or any
#                      CMAKE_PREFIX_PATH under which find_package(Torch) succeeds (Debian: /usr)
#   --torch-version V  the libtorch version DJL is told (default: read from TorchConfigVersion.cmake)
#   --flavor F         DJL's flavor name for the cache folder (default: cpu, or cu<major><minor> with --cuda)
#   --cuda             compile DJL's CUDA code (streams, emptyCache): needs nvcc/the CUDA toolkit
#   --no-profiler      compile out DJL's legacy-profiler JNI calls (needed for libtorch >= 2.8, whose legacy
#                      profiler headers are gone); torchStartProfile/StopProfile then throw
#   --cxx-std N        C++ standard (default 17; newer libtorch headers may need 20)
#   --pt-version DEF   a DJL version macro for old libtorch (e.g. V1_13_X)
#   --cache DIR        DJL's engine cache to place the JNI in (default ~/.djl.ai)
#   --jobs N           parallel compile jobs (default nproc)
#   --work DIR         build folder (default a temp folder, removed at exit unless --keep)
#
# The result is placed where DJL's LibUtils looks when PYTORCH_LIBRARY_PATH is set:
#   $CACHE/pytorch/<torch-version>-<flavor>-linux-x86_64/0.35.0-libdjl_torch.so
# and the environment to set is printed at the end (also written to $CACHE/pytorch/<...>/env.sh).
# Needs: cmake (>= 3.18), a C++ compiler, a JDK (javac, jni.h), DJL's api and pytorch-engine 0.35.0 jars in the
# local Maven repository (the SDK's build brings them), python3 (the source patch).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DJL_VERSION=0.35.0
SRC="" GIT="" LIBTORCH="" TV="" FLAVOR="" CUDA=0 NOPROF=0 STD=17 PTDEF="" CACHE="${ENGINE_CACHE_DIR:-$HOME/.djl.ai}"
JOBS=$(nproc) WORK="" KEEP=0
die() { echo "build-djl-jni: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --djl-src) SRC=$2; shift 2 ;;
    --djl-git) GIT=$2; shift 2 ;;
    --libtorch) LIBTORCH=$2; shift 2 ;;
    --torch-version) TV=$2; shift 2 ;;
    --flavor) FLAVOR=$2; shift 2 ;;
    --cuda) CUDA=1; shift ;;
    --no-profiler) NOPROF=1; shift ;;
    --cxx-std) STD=$2; shift 2 ;;
    --pt-version) PTDEF=$2; shift 2 ;;
    --cache) CACHE=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[ -n "$LIBTORCH" ] || die "--libtorch DIR is required"
[ -n "$SRC$GIT" ] || die "--djl-src DIR or --djl-git GITDIR is required (DJL's sources at v$DJL_VERSION)"
command -v cmake >/dev/null || die "cmake not found"
command -v c++ >/dev/null || die "no C++ compiler (c++) found"
JAVAC=$(command -v javac || true)
[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && JAVAC=$JAVA_HOME/bin/javac
[ -n "$JAVAC" ] || die "javac not found (set JAVA_HOME to a JDK)"
JDK=$(cd "$(dirname "$(readlink -f "$JAVAC")")/.." && pwd)
[ -f "$JDK/include/jni.h" ] || die "no jni.h under $JDK/include"

# torch's CMake config and version
CFG=$(find -L "$LIBTORCH" -maxdepth 6 -name TorchConfig.cmake 2>/dev/null | head -1)
[ -n "$CFG" ] || die "no TorchConfig.cmake under $LIBTORCH"
if [ -z "$TV" ]; then
  TV=$(sed -n 's/.*PACKAGE_VERSION "\([0-9][0-9.]*\)".*/\1/p' "$(dirname "$CFG")/TorchConfigVersion.cmake" | head -1)
  [ -n "$TV" ] || die "cannot read the version from $(dirname "$CFG")/TorchConfigVersion.cmake; pass --torch-version"
fi
if [ -z "$FLAVOR" ]; then
  if [ "$CUDA" = 1 ]; then
    CV=$(nvcc --version 2>/dev/null | sed -n 's/.*release \([0-9]*\)\.\([0-9]*\).*/\1\2/p')
    FLAVOR=cu${CV:-unknown}
  else
    FLAVOR=cpu
  fi
fi
M2=${MAVEN_REPO:-$HOME/.m2/repository}
API_JAR=$M2/ai/djl/api/$DJL_VERSION/api-$DJL_VERSION.jar
ENGINE_JAR=$M2/ai/djl/pytorch/pytorch-engine/$DJL_VERSION/pytorch-engine-$DJL_VERSION.jar
for j in "$API_JAR" "$ENGINE_JAR"; do [ -f "$j" ] || die "missing $j (build the SDK once so Maven fetches it)"; done

if [ -z "$WORK" ]; then
  WORK=$(mktemp -d -t djl-jni.XXXXXX)
  [ "$KEEP" = 1 ] || trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK/src"
if [ -n "$GIT" ]; then
  git --git-dir="$GIT" archive "v$DJL_VERSION" engines/pytorch/pytorch-native/CMakeLists.txt \
      engines/pytorch/pytorch-native/src/main/native api/src/main/native \
      engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java | tar -x -C "$WORK/src"
else
  for p in engines/pytorch/pytorch-native/CMakeLists.txt engines/pytorch/pytorch-native/src/main/native \
      api/src/main/native engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java; do
    [ -e "$SRC/$p" ] || die "$SRC has no $p: not DJL's source tree"
    mkdir -p "$WORK/src/$(dirname "$p")"
    cp -r "$SRC/$p" "$WORK/src/$(dirname "$p")/"
  done
fi
N=$WORK/src/engines/pytorch/pytorch-native
echo "[build-djl-jni] DJL $DJL_VERSION sources in $WORK/src; libtorch $TV ($CFG); flavor $FLAVOR; C++$STD"

# the JNI header DJL's build generates with javac -h
"$JAVAC" --release 8 -h "$N/build/include" -d "$WORK/classes" -cp "$API_JAR:$ENGINE_JAR" \
    "$WORK/src/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java" 2>&1 \
    | grep -v "^warning: \[options\]\|^1 warning" || true
[ -f "$N/build/include/ai_djl_pytorch_jni_PyTorchLibrary.h" ] || die "javac -h wrote no JNI header"
python3 "$HERE/patch_djl_native.py" "$N" >/dev/null

DEFS="-w"
[ "$NOPROF" = 1 ] && DEFS="$DEFS -DDJL_COMPAT_NO_PROFILER"
GEN=()
command -v ninja >/dev/null && GEN=(-G Ninja)
B=$WORK/build
T0=$SECONDS
cmake -S "$N" -B "$B" ${GEN[@]+"${GEN[@]}"} -DCMAKE_BUILD_TYPE=Release -DCMAKE_POLICY_VERSION_MINIMUM=3.5 \
    -DCMAKE_PREFIX_PATH="$(dirname "$CFG")" -DTorch_DIR="$(dirname "$CFG")" \
    -DUSE_CUDA="$([ "$CUDA" = 1 ] && echo ON || echo OFF)" ${PTDEF:+-DPT_VERSION="$PTDEF"} \
    -DDJL_CXX_STANDARD="$STD" -DJAVA_HOME="$JDK" -DJAVA_INCLUDE_PATH="$JDK/include" \
    -DJAVA_INCLUDE_PATH2="$JDK/include/linux" -DCMAKE_CXX_FLAGS="$DEFS" > "$WORK/configure.log" 2>&1 \
  || { tail -40 "$WORK/configure.log"; die "CMake configure failed (log above)"; }
cmake --build "$B" -j "$JOBS" > "$WORK/build.log" 2>&1 \
  || { grep -E 'error|FAILED' "$WORK/build.log" | head -40; die "compile failed after $((SECONDS - T0)) s (errors above; try --no-profiler or --cxx-std 20 for newer libtorch)"; }
SO=$B/libdjl_torch.so
[ -f "$SO" ] || die "no libdjl_torch.so was produced"

DEST=$CACHE/pytorch/$TV-$FLAVOR-linux-x86_64
mkdir -p "$DEST"
cp "$SO" "$DEST/$DJL_VERSION-libdjl_torch.so"
LIBDIR=$(dirname "$(find -L "$(dirname "$CFG")/../../.." -maxdepth 3 -name 'libtorch_cpu.so*' 2>/dev/null | head -1)")
cat > "$DEST/env.sh" <<ENV
# source this before running the SDK with the libtorch at $LIBDIR
export PYTORCH_LIBRARY_PATH=$LIBDIR
export PYTORCH_VERSION=$TV
export PYTORCH_FLAVOR=$FLAVOR
export ENGINE_CACHE_DIR=$CACHE
export LD_LIBRARY_PATH=$LIBDIR\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}
ENV
echo "[build-djl-jni] OK in $((SECONDS - T0)) s: $DEST/$DJL_VERSION-libdjl_torch.so"
echo "[build-djl-jni] set this environment (also in $DEST/env.sh):"
sed -n '2,$p' "$DEST/env.sh"
