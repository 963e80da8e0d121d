package dev.fraudscore.node.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Loads the node's configuration once, before Vert.x exists (the cluster manager needs it): the
 * defaults on the classpath, then an optional YAML file, then {@code FRAUD_*} environment variables.
 * Every key of a file or variable must exist in the defaults and have the same type, or start-up stops
 * with a message naming it.
 */
public final class ConfigLoader {
    static final String DEFAULTS = "fraudscore-defaults.yaml";
    static final String ENV_PREFIX = "FRAUD_";

    private ConfigLoader() {}

    public static JsonObject load(Path file, Map<String, String> env) {
        JsonObject config = defaults();
        if (file != null) {
            try (InputStream in = Files.newInputStream(file)) {
                merge(config, yaml(in, file.toString()), "");
            } catch (IOException e) {
                throw new ConfigException("(file)", "cannot read " + file + ": " + e.getMessage());
            }
        }
        applyEnv(config, env, "");
        return config;
    }

    public static JsonObject defaults() {
        try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS + " missing from the classpath");
            }
            return yaml(in, DEFAULTS);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static JsonObject yaml(InputStream in, String source) {
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (RuntimeException e) {
            throw new ConfigException("(file)", source + " is not valid YAML: " + e.getMessage());
        }
        if (doc == null) {
            return new JsonObject();
        }
        if (!(doc instanceof Map)) {
            throw new ConfigException("(file)", source + " must be a YAML mapping at the top level");
        }
        return new JsonObject((Map<String, Object>) doc);
    }

    /** Overlays {@code over} onto {@code base}, refusing keys the defaults do not have or values of another type. */
    static void merge(JsonObject base, JsonObject over, String prefix) {
        for (String key : over.fieldNames()) {
            String path = prefix + key;
            if (!base.containsKey(key)) {
                throw new ConfigException(path, "unknown key");
            }
            Object current = base.getValue(key);
            Object value = over.getValue(key);
            if (current instanceof JsonObject nested) {
                if (!(value instanceof JsonObject o)) {
                    throw new ConfigException(path, "must be a mapping");
                }
                merge(nested, o, path + ".");
            } else {
                base.put(key, coerce(path, current, value));
            }
        }
    }

    private static Object coerce(String path, Object current, Object value) {
        if (value == null) {
            throw new ConfigException(path, "must not be empty");
        }
        if (current instanceof Integer || current instanceof Long) {
            if (value instanceof Integer || value instanceof Long) {
                return value;
            }
            throw new ConfigException(path, "must be a whole number, was '" + value + "'");
        }
        if (current instanceof Double || current instanceof Float) {
            if (value instanceof Number n) {
                return n.doubleValue();
            }
            throw new ConfigException(path, "must be a number, was '" + value + "'");
        }
        if (current instanceof Boolean) {
            if (value instanceof Boolean) {
                return value;
            }
            throw new ConfigException(path, "must be true or false, was '" + value + "'");
        }
        if (current instanceof JsonArray) {
            if (value instanceof JsonArray) {
                return value;
            }
            throw new ConfigException(path, "must be a list");
        }
        if (value instanceof JsonObject || value instanceof JsonArray) {
            throw new ConfigException(path, "must be a single value");
        }
        return String.valueOf(value);
    }

    /** {@code scoring.batchMaxSize} is read from {@code FRAUD_SCORING_BATCH_MAX_SIZE}. */
    public static String envName(String path) {
        StringBuilder s = new StringBuilder(ENV_PREFIX);
        for (char c : path.toCharArray()) {
            if (c == '.') {
                s.append('_');
            } else if (Character.isUpperCase(c)) {
                s.append('_').append(c);
            } else {
                s.append(Character.toUpperCase(c));
            }
        }
        return s.toString();
    }

    /** {@code FRAUD_KAFKA_PROPERTIES_SASL_MECHANISM=PLAIN} sets the Kafka client property {@code sasl.mechanism}. */
    static final String KAFKA_PROPERTIES_ENV = ENV_PREFIX + "KAFKA_PROPERTIES_";

    private static void applyEnv(JsonObject config, Map<String, String> env, String prefix) {
        List<String> known = new ArrayList<>();
        collectEnv(config, prefix, env, known);
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().startsWith(KAFKA_PROPERTIES_ENV) && e.getKey().length() > KAFKA_PROPERTIES_ENV.length()) {
                String property = e.getKey()
                        .substring(KAFKA_PROPERTIES_ENV.length())
                        .toLowerCase(Locale.ROOT)
                        .replace('_', '.');
                JsonObject kafka = config.getJsonObject("kafka");
                JsonObject properties = kafka.getJsonObject("properties");
                if (properties == null) {
                    properties = new JsonObject();
                    kafka.put("properties", properties);
                }
                properties.put(property, e.getValue());
                known.add(e.getKey());
            }
        }
        for (String name : env.keySet()) {
            if (name.startsWith(ENV_PREFIX) && !known.contains(name) && !NON_CONFIG_ENV.contains(name)) {
                throw new ConfigException(
                        name, "environment variable names no config key (e.g. FRAUD_HTTP_PORT for http.port)");
            }
        }
    }

    /** FRAUD_ variables that are not config keys: the config file itself, test and tool settings. */
    static final List<String> NON_CONFIG_ENV = List.of(
            "FRAUD_CONFIG",
            "FRAUD_TEST_PG_URL",
            "FRAUD_KAFKA_BROKER_CLASSPATH",
            "FRAUD_BROKER_WATCH",
            "FRAUD_JAVA_OPTS",
            "FRAUD_SKIP_BUILD",
            "FRAUD_DRILL_SECONDS",
            "FRAUD_DRILL_MODES",
            "FRAUD_LB_PORT");

    private static void collectEnv(JsonObject config, String prefix, Map<String, String> env, List<String> known) {
        for (String key : config.fieldNames()) {
            String path = prefix + key;
            Object current = config.getValue(key);
            if (current instanceof JsonObject nested) {
                collectEnv(nested, path + ".", env, known);
                continue;
            }
            String name = envName(path);
            known.add(name);
            String raw = env.get(name);
            if (raw == null) {
                continue;
            }
            config.put(key, parseEnv(path, name, current, raw));
        }
    }

    private static Object parseEnv(String path, String name, Object current, String raw) {
        String v = raw.trim();
        try {
            if (current instanceof Integer) {
                return Integer.parseInt(v);
            }
            if (current instanceof Long) {
                return Long.parseLong(v);
            }
            if (current instanceof Double || current instanceof Float) {
                return Double.parseDouble(v);
            }
        } catch (NumberFormatException e) {
            throw new ConfigException(path, "environment variable " + name + " must be a number, was '" + raw + "'");
        }
        if (current instanceof Boolean) {
            String l = v.toLowerCase(Locale.ROOT);
            if (!l.equals("true") && !l.equals("false")) {
                throw new ConfigException(
                        path, "environment variable " + name + " must be true or false, was '" + raw + "'");
            }
            return Boolean.parseBoolean(l);
        }
        if (current instanceof JsonArray) {
            JsonArray a = new JsonArray();
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    a.add(part.trim());
                }
            }
            return a;
        }
        return raw;
    }
}
