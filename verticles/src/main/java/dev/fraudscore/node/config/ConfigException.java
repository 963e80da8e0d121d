package dev.fraudscore.node.config;

/** A configuration value that stops start-up; names the key. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String message) {
        super("config " + key + ": " + message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
