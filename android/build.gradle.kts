// The Android library (AAR) of the Long An Số core: liblongan_ffi.so for three ABIs, built from
// the Rust workspace in the parent directory, plus the uniffi-generated Kotlin bindings.
//
//   ./gradlew assembleRelease   -> build/outputs/aar/longan-so-core-release.aar
//
// Besides the Android SDK, a build needs:
//   - Rust with the Android targets:
//       rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android
//   - cargo-ndk 4.x (cargo install cargo-ndk --locked). 4.x passes any cargo subcommand through,
//     `rustc` included, and no longer strips what it copies.
//   - an NDK: cargo-ndk uses ANDROID_NDK_HOME, otherwise the newest under $ANDROID_HOME/ndk. r28
//     or later aligns 64-bit libraries to 16 KB by default; the flag below covers older ones.
//
// src/jvmTest is not an Android source set. AGP only knows main, test, androidTest,
// testFixtures and the per-variant ones, so Gradle ignores that directory. Those plain-JVM tests
// are compiled and run by scripts/test-kotlin against a host build of the library.

import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    id("com.android.library") version "8.13.2"
    // 2.2.x rather than 2.3.x: apps can only read Kotlin metadata up to one version ahead of their
    // own compiler. With 2.2, apps on Kotlin 2.1 or later can use this AAR.
    id("org.jetbrains.kotlin.android") version "2.2.21"
}

// The generated Kotlin uses java.time (Instant, Duration), which needs API 26 unless the app
// turns on core library desugaring. cargo-ndk links against the same API level.
val androidMinSdk = 26
val androidAbis = listOf("arm64-v8a", "armeabi-v7a", "x86_64")

// The Cargo workspace is this directory's parent. Cargo resolves a relative CARGO_TARGET_DIR
// against the directory it runs in, which is the workspace (see workingDir below).
val workspaceDir: File = rootDir.parentFile
val cargoTargetDir: File = workspaceDir.resolve(System.getenv("CARGO_TARGET_DIR") ?: "target")

// Both are build outputs, so `clean` removes them and they are never committed.
val rustJniLibsDir: File = layout.buildDirectory.dir("rust/jniLibs").get().asFile
val uniffiKotlinDir: File = layout.buildDirectory.dir("generated/source/uniffi/kotlin").get().asFile

// The host build of the library that the bindings are generated from (see generateUniffiKotlin).
val hostOs = System.getProperty("os.name").lowercase()
val hostLibrary = when {
    hostOs.startsWith("mac") -> "liblongan_ffi.dylib"
    hostOs.startsWith("windows") -> "longan_ffi.dll"
    else -> "liblongan_ffi.so"
}
val hostExeSuffix = if (hostOs.startsWith("windows")) ".exe" else ""

// The shipped libraries, built with cargo-ndk. `cargo rustc --crate-type cdylib` instead of
// `cargo build` because the crate also lists "lib" among its crate types, and cargo skips LTO
// when it builds an rlib (see the dist profile in the workspace Cargo.toml). cargo-ndk adds
// `--target <triple>` and its own linker wrapper to whatever cargo command follows it. It copies
// each ABI's .so into <out>/<abi>/, the layout AGP expects in a jniLibs directory.
//
// No inputs or outputs are declared, so Gradle runs the task on every build and cargo decides
// what is stale. A cargo run with nothing to rebuild is quick.
val cargoNdkBuild = tasks.register<Exec>("cargoNdkBuild") {
    group = "rust"
    description = "Builds liblongan_ffi.so (dist profile) for ${androidAbis.joinToString()} into build/rust/jniLibs."
    val outDir = rustJniLibsDir
    workingDir = workspaceDir
    commandLine(
        listOf("cargo", "ndk") +
            androidAbis.flatMap { listOf("-t", it) } +
            listOf("--platform", "$androidMinSdk", "-o", outDir.path) +
            listOf("rustc", "-p", "longan-ffi", "--locked", "--profile", "dist", "--crate-type", "cdylib"),
    )
    // 16 KB pages (Android 15+ arm64 devices, and x86_64 emulator images): the 64-bit libraries
    // must have 16 KB aligned LOAD segments. The flag is set here, per target triple and only
    // for this command, so host builds and armeabi-v7a (4 KB pages only) are unaffected. A
    // RUSTFLAGS variable in the environment takes precedence over these and would drop the flag.
    val pageSizeFlag = "-C link-arg=-Wl,-z,max-page-size=16384"
    for (triple in listOf("AARCH64_LINUX_ANDROID", "X86_64_LINUX_ANDROID")) {
        val name = "CARGO_TARGET_${triple}_RUSTFLAGS"
        environment(name, listOfNotNull(System.getenv(name), pageSizeFlag).joinToString(" "))
    }
    // Start from an empty directory, so an ABI dropped from the list does not linger in the AAR.
    doFirst { outDir.deleteRecursively() }
}

// The generator and an unstripped host library, in one cargo invocation. `cargo build` without
// `--bin` copies the library out of target/debug/deps; with `--bin uniffi-bindgen` it stays there.
val buildUniffiBindgen = tasks.register<Exec>("buildUniffiBindgen") {
    group = "rust"
    description = "Builds the workspace uniffi-bindgen and a host liblongan_ffi (debug profile)."
    workingDir = workspaceDir
    commandLine("cargo", "build", "-p", "longan-ffi", "--locked", "--features", "bindgen")
}

// Library mode reads the uniffi metadata symbols from the symbol table of the library it is
// given. The host debug library keeps those symbols whatever the dist profile ends up stripping,
// and it is a by-product of building the generator. The metadata is the same on every target,
// so Kotlin generated from it matches the Android libraries built from the same sources.
// An Android .so would work as well, as long as it is not stripped.
val generateUniffiKotlin = tasks.register<Exec>("generateUniffiKotlin") {
    group = "rust"
    description = "Generates the Kotlin bindings (uniffi.android.toml) into build/generated/source/uniffi/kotlin."
    dependsOn(buildUniffiBindgen)
    val outDir = uniffiKotlinDir
    workingDir = workspaceDir
    commandLine(
        cargoTargetDir.resolve("debug/uniffi-bindgen$hostExeSuffix").path,
        "generate",
        "--library", cargoTargetDir.resolve("debug/$hostLibrary").path,
        "--language", "kotlin",
        "--config", workspaceDir.resolve("uniffi.android.toml").path,
        // Same output whether or not ktlint happens to be installed on this machine.
        "--no-format",
        "--out-dir", outDir.path,
    )
    doFirst { outDir.deleteRecursively() }
}

android {
    namespace = "vn.longan.so.core"
    compileSdk = 35

    defaultConfig {
        minSdk = androidMinSdk
        // The keep rules for JNA and the bindings go inside the AAR, where R8 in the app finds them.
        consumerProguardFiles("consumer-rules.pro")
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    sourceSets {
        getByName("main") {
            jniLibs.srcDir(rustJniLibsDir)
            // The Kotlin plugin compiles .kt files found in the Java source directories too.
            java.srcDir(uniffiKotlinDir)
        }
    }

    // Stripping: the jniLibs above are not stripped. AGP's strip task (llvm-strip from the NDK)
    // strips every native library on its way into the AAR, because packaging.jniLibs
    // .keepDebugSymbols is not set. AGP uses its own default NDK for that; if the NDK is missing
    // it warns and packages the libraries as they are. For symbolicating native crashes, keep the
    // unstripped copies from build/rust/jniLibs (or target/<triple>/dist) of each released build.
}

kotlin {
    compilerOptions {
        jvmTarget.set(JvmTarget.JVM_17)
    }
}

tasks.named("preBuild") {
    dependsOn(cargoNdkBuild, generateUniffiKotlin)
}

dependencies {
    // The Android artifact (@aar) carries libjnidispatch.so for each ABI. 5.17.0 was the first
    // release built for 16 KB pages. `api` because public generated classes extend JNA types
    // (RustBuffer is a Structure). Apps must not also pull the plain JNA jar, or the com.sun.jna
    // classes are duplicated.
    api("net.java.dev.jna:jna:5.18.1@aar")
    // The generated code for async calls uses suspendCancellableCoroutine and GlobalScope.
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-core:1.10.2")
    // android = true: the generated cleaner is annotated with @RequiresApi.
    implementation("androidx.annotation:annotation:1.9.1")
}
