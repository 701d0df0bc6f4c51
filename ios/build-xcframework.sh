#!/usr/bin/env bash
# Builds the iOS distribution of the core next to ios/Package.swift (macOS with Xcode only):
#   ios/LonganSoCoreFFI.xcframework               liblongan_ffi.a (dist profile, LTO) for devices
#                                                 (arm64) and simulators (arm64 + x86_64), each
#                                                 with LonganSoCoreFFI.h and module.modulemap
#   ios/Sources/LonganSoCore/LonganSoCore.swift   the generated Swift API
# Then an app adds ios/ as a local Swift package and imports LonganSoCore.
#
#   ios/build-xcframework.sh [--help]
#
# Needs Xcode (xcodebuild, lipo, strip), rustup and cargo. Adds the iOS Rust targets with rustup
# when they are missing. Respects CARGO_TARGET_DIR. Intermediate files go to target/ios-xcframework.
set -euo pipefail

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }

case "${1:-}" in
    -h | --help) usage; exit 0 ;;
    "") ;;
    *) usage >&2; exit 2 ;;
esac
if [ $# -gt 1 ]; then usage >&2; exit 2; fi

fail() { echo "build-xcframework.sh: $*" >&2; exit 1; }

if [ "$(uname -s)" != Darwin ]; then
    fail "runs on macOS only (it needs Xcode's xcodebuild, lipo and strip); this is $(uname -s)"
fi
for tool in cargo rustup xcrun xcodebuild; do
    command -v "$tool" >/dev/null || fail "$tool not found"
done
# With only the Command Line Tools selected, xcodebuild exists but cannot create XCFrameworks.
xcodebuild -version >/dev/null 2>&1 ||
    fail "xcodebuild needs a full Xcode (xcode-select -s /Applications/Xcode.app)"

ios_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$ios_dir/.." && pwd)"
cd "$root"
# Cargo resolves a relative CARGO_TARGET_DIR against the directory it runs in: the workspace.
target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in /*) ;; *) target_dir="$root/$target_dir" ;; esac

profile=dist
device_target=aarch64-apple-ios
# arm64 for Apple-silicon Macs, x86_64 for Intel Macs. They are merged into one simulator slice.
simulator_targets=(aarch64-apple-ios-sim x86_64-apple-ios)
lib=liblongan_ffi.a
stage="$target_dir/ios-xcframework"
xcframework="$ios_dir/LonganSoCoreFFI.xcframework"
swift_dir="$ios_dir/Sources/LonganSoCore"
# Same minimum as Package.swift. Without it rustc builds for its own older default, and the
# linker warns about objects built for a different iOS version than the app.
export IPHONEOS_DEPLOYMENT_TARGET=15.0

echo "==> Rust targets"
rustup target add "$device_target" "${simulator_targets[@]}"

# `cargo rustc --crate-type staticlib` instead of `cargo build`: the crate also lists "lib"
# among its crate types, and cargo skips LTO when it builds an rlib (see the dist profile in
# Cargo.toml). Each build leaves target/<triple>/dist/liblongan_ffi.a.
for target in "$device_target" "${simulator_targets[@]}"; do
    echo "==> static library for $target ($profile profile)"
    cargo rustc -p longan-ffi --locked --profile "$profile" --crate-type staticlib --target "$target"
done

# The bindings come from an unstripped host build of the library, made by the same cargo run that
# builds the generator. Without `--bin`, cargo also copies the dylib out of target/debug/deps.
# uniffi's library mode reads the metadata from the symbol table of a dylib, a .so or a static
# archive alike, and that metadata does not depend on the target. So this Swift matches the iOS
# archives built above from the same sources, and it does not depend on how the dist profile
# strips.
echo "==> uniffi-bindgen and the host library"
cargo build -p longan-ffi --locked --features bindgen
host_library="$target_dir/debug/liblongan_ffi.dylib"
[ -f "$host_library" ] || fail "expected the host library at $host_library"

rm -rf "$stage"
mkdir -p "$stage/bindings" "$stage/headers" "$stage/ios-arm64" "$stage/ios-simulator"
echo "==> Swift bindings (uniffi.toml)"
# --no-format: the same output whether or not swift-format is installed.
"$target_dir/debug/uniffi-bindgen" generate --library "$host_library" --language swift \
    --config "$root/uniffi.toml" --no-format --out-dir "$stage/bindings"
for generated in LonganSoCore.swift LonganSoCoreFFI.h LonganSoCoreFFI.modulemap; do
    [ -f "$stage/bindings/$generated" ] ||
        fail "uniffi-bindgen did not write $generated (module names in uniffi.toml changed?)"
done

echo "==> device and simulator libraries"
cp "$target_dir/$device_target/$profile/$lib" "$stage/ios-arm64/$lib"
# An XCFramework takes one library per platform variant, so both simulator architectures go
# into one fat archive.
lipo -create \
    "$target_dir/${simulator_targets[0]}/$profile/$lib" \
    "$target_dir/${simulator_targets[1]}/$profile/$lib" \
    -output "$stage/ios-simulator/$lib"
# Strip copies, after the bindings were generated. -S removes debugging information only. The
# symbol table stays, so the app still links and its crash reports still name Rust functions.
# The archives under target/ keep their debug information.
xcrun strip -S "$stage/ios-arm64/$lib" "$stage/ios-simulator/$lib"

echo "==> headers and module map"
cp "$stage/bindings/LonganSoCoreFFI.h" "$stage/headers/"
# Inside an XCFramework the module map must be named module.modulemap, at the root of the headers
# directory. That is where Xcode's explicit module build looks for it; it does not search
# subdirectories. Known limit: Xcode copies the headers of static-library XCFrameworks into one
# shared include/ directory, so an app that also uses another such XCFramework with a root
# module.modulemap fails with "Multiple commands produce .../include/module.modulemap".
#
# The `use "_Builtin_stdbool"` and `use "_Builtin_stdint"` lines of uniffi's module map are left
# out. Under Xcode 26 they are reported to stop the module from building
# (https://github.com/mozilla/uniffi-rs/issues/2917). They only matter to builds that enforce
# module use declarations, which neither SwiftPM nor Xcode does by default.
sed '/use "_Builtin_/d' "$stage/bindings/LonganSoCoreFFI.modulemap" >"$stage/headers/module.modulemap"

echo "==> $xcframework"
rm -rf "$xcframework"
xcodebuild -create-xcframework \
    -library "$stage/ios-arm64/$lib" -headers "$stage/headers" \
    -library "$stage/ios-simulator/$lib" -headers "$stage/headers" \
    -output "$xcframework"

mkdir -p "$swift_dir"
cp "$stage/bindings/LonganSoCore.swift" "$swift_dir/"
echo "built $xcframework and $swift_dir/LonganSoCore.swift"
