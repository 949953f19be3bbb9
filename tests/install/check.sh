#!/bin/sh
# tests/install/check.sh BUILD_DIR - installs the build into a temporary
# prefix and builds examples/library.c against it through pkg-config, once
# with the shared library and once statically; runs both.
set -eu
build=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig:$tmp/prefix/lib/x86_64-linux-gnu/pkgconfig"
test -f "$tmp/prefix/include/touchpoint/store.h"
test -x "$tmp/prefix/bin/touchpoint"
version=$(pkg-config --modversion touchpoint)
cc -std=c17 -Wall -Wextra -Werror "$src/examples/library.c" \
	$(pkg-config --cflags --libs touchpoint) -o "$tmp/shared"
libdir=$(pkg-config --variable=libdir touchpoint)
cc -std=c17 -Wall -Wextra -Werror "$src/examples/library.c" $(pkg-config --cflags touchpoint) \
	"$libdir/libtouchpoint.a" $(pkg-config --static --libs touchpoint | sed 's/-ltouchpoint//') \
	-o "$tmp/static"
out=$(LD_LIBRARY_PATH="$tmp/prefix/lib:$tmp/prefix/lib/x86_64-linux-gnu" "$tmp/shared" "$tmp/a.db")
echo "$out" | grep -q "16 touchpoints, 1 responses (added one)"
out=$("$tmp/static" "$tmp/a.db")
echo "$out" | grep -q "16 touchpoints, 1 responses (already there)"
echo "installed touchpoint $version; shared and static builds against it work"
