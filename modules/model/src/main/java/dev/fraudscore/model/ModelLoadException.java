package dev.fraudscore.model;

/** A model that must not serve: missing, corrupt, or built for other features. */
public final class ModelLoadException extends Exception {
    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }

    public ModelLoadException(String message) {
        super(message);
    }
}
