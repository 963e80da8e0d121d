package dev.fraudscore.devinfra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds a file of this project from wherever a tool or test runs: the working directory or one above it. */
public final class ProjectDir {
    private ProjectDir() {}

    /** {@code relative} (e.g. {@code ops/jvm.options}) under the working directory or its nearest ancestor that has it. */
    public static Optional<Path> find(String relative) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve(relative);
            if (Files.exists(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Like {@link #find}, but a missing file is an error naming where it was looked for. */
    public static Path require(String relative) {
        return find(relative)
                .orElseThrow(() -> new IllegalStateException(
                        relative + " not found in " + Path.of("").toAbsolutePath() + " or any directory above it"));
    }
}
