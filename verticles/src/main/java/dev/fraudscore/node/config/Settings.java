package dev.fraudscore.node.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Reads one section of the config tree with range checks whose failures name the full key. */
final class Settings {
    private final JsonObject json;
    private final String prefix;

    private Settings(JsonObject json, String prefix) {
        this.json = json;
        this.prefix = prefix;
    }

    /** The top-level section {@code name} of the config tree. */
    static Settings of(JsonObject root, String name) {
        return new Settings(root.getJsonObject(name, new JsonObject()), name + ".");
    }

    /** A nested section. */
    Settings section(String name) {
        return new Settings(json.getJsonObject(name, new JsonObject()), prefix + name + ".");
    }

    /** The keys of this section. */
    java.util.Set<String> keys() {
        return json.fieldNames();
    }

    String string(String key) {
        Object v = json.getValue(key);
        return v == null ? "" : String.valueOf(v);
    }

    String nonEmpty(String key) {
        String s = string(key);
        if (s.isBlank()) {
            throw new ConfigException(prefix + key, "must not be empty");
        }
        return s;
    }

    int integer(String key, int min, int max) {
        Object v = json.getValue(key);
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new ConfigException(prefix + key, "must be a whole number, was '" + v + "'");
        }
        long l = n.longValue();
        if (l < min || l > max) {
            throw new ConfigException(prefix + key, "must be between " + min + " and " + max + ", was " + l);
        }
        return (int) l;
    }

    long longValue(String key, long min, long max) {
        Object v = json.getValue(key);
        if (!(v instanceof Number n)) {
            throw new ConfigException(prefix + key, "must be a whole number, was '" + v + "'");
        }
        long l = n.longValue();
        if (l < min || l > max) {
            throw new ConfigException(prefix + key, "must be between " + min + " and " + max + ", was " + l);
        }
        return l;
    }

    boolean bool(String key) {
        Object v = json.getValue(key);
        if (!(v instanceof Boolean b)) {
            throw new ConfigException(prefix + key, "must be true or false, was '" + v + "'");
        }
        return b;
    }

    double number(String key) {
        Object v = json.getValue(key);
        if (!(v instanceof Number n)) {
            throw new ConfigException(prefix + key, "must be a number, was '" + v + "'");
        }
        return n.doubleValue();
    }

    int port(String key) {
        return integer(key, 0, 65535);
    }

    List<String> strings(String key) {
        JsonArray a = json.getJsonArray(key, new JsonArray());
        return a.stream().map(String::valueOf).toList();
    }

    String key(String key) {
        return prefix + key;
    }
}
