// swift-tools-version: 5.9
//
// The Swift package of the Long An Số core. Two build outputs of ios/build-xcframework.sh must
// be in place before the package resolves. Both are git-ignored:
//   - LonganSoCoreFFI.xcframework: the Rust static library for devices and simulators, with the
//     C header and module map that make `import LonganSoCoreFFI` work;
//   - Sources/LonganSoCore/LonganSoCore.swift: the generated Swift API over it.
//
// Tools version 5.9 builds the generated code in the Swift 5 language mode. The generated code
// is not written for Swift 6's strict concurrency checking.

import PackageDescription

let package = Package(
    name: "LonganSoCore",
    // iOS only. iOS 15 is the first release with Swift concurrency (the API is async), with a
    // margin. There is no macOS platform because the XCFramework has no macOS slice, so
    // `swift build` on the Mac itself cannot link. Build for an iOS destination (Xcode, or
    // xcodebuild -destination 'generic/platform=iOS Simulator').
    platforms: [
        .iOS(.v15),
    ],
    products: [
        .library(name: "LonganSoCore", targets: ["LonganSoCore"]),
    ],
    targets: [
        // A local path, not a URL and checksum: the XCFramework is built from this checkout, so
        // it always matches the generated Swift next to it.
        .binaryTarget(
            name: "LonganSoCoreFFI",
            path: "LonganSoCoreFFI.xcframework"
        ),
        .target(
            name: "LonganSoCore",
            dependencies: ["LonganSoCoreFFI"],
            path: "Sources/LonganSoCore"
        ),
        // No test target here. The tests in Tests/LonganSoCoreTests run through scripts/test-swift,
        // which assembles its own package around a host build of the library.
    ]
)
