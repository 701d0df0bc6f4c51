// One Gradle project, the Android library module, rooted at android/ itself. The Rust
// workspace it packages is the parent directory (see build.gradle.kts).

pluginManagement {
    repositories {
        // The Android Gradle plugin is published on Google's Maven repository, not the portal.
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    // Repositories are declared here only, so the module cannot quietly add others.
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

// Also the AAR's file name: build/outputs/aar/longan-so-core-release.aar.
rootProject.name = "longan-so-core"
