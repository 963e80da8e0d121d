package dev.fraudscore.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Predicate;

/**
 * Reads a Prometheus text exposition ({@code /metrics}): one sample per line, {@code name{labels} value} or
 * {@code name value}; comments and blank lines skipped. Shared by the benchmarks (CPU per decision, audited
 * rows) and the tests (that a metric is exported, its value per label set).
 */
public final class PrometheusText {
    /** One sample: its metric name, its labels (in the order written) and its value. */
    public record Sample(String name, Map<String, String> labels, double value) {
        public String label(String key) {
            return labels.get(key);
        }
    }

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = samples;
    }

    public static PrometheusText parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.charAt(0) == '#') {
                continue;
            }
            Sample s = sample(line);
            if (s != null) {
                out.add(s);
            }
        }
        return new PrometheusText(out);
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int close = brace < 0 ? -1 : line.lastIndexOf('}');
        String name;
        Map<String, String> labels = new LinkedHashMap<>();
        String rest;
        if (brace >= 0 && close > brace) {
            name = line.substring(0, brace).trim();
            labels = labels(line.substring(brace + 1, close));
            rest = line.substring(close + 1).trim();
        } else {
            int space = line.indexOf(' ');
            if (space < 0) {
                return null;
            }
            name = line.substring(0, space);
            rest = line.substring(space + 1).trim();
        }
        int end = rest.indexOf(' '); // an optional timestamp follows the value
        try {
            return new Sample(name, labels, Double.parseDouble(end < 0 ? rest : rest.substring(0, end)));
        } catch (NumberFormatException e) {
            return null; // a value form this reader does not know (none expected from Micrometer)
        }
    }

    /** {@code a="x",b="y"}: quoted values may hold commas, spaces and escaped quotes. */
    private static Map<String, String> labels(String s) {
        Map<String, String> labels = new LinkedHashMap<>();
        int i = 0;
        while (i < s.length()) {
            int eq = s.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = s.substring(i, eq).trim().replaceFirst("^,", "").trim();
            StringBuilder value = new StringBuilder();
            int j = eq + 2; // past ="
            while (j < s.length() && s.charAt(j) != '"') {
                if (s.charAt(j) == '\\' && j + 1 < s.length()) {
                    j++;
                }
                value.append(s.charAt(j++));
            }
            labels.put(key, value.toString());
            i = j + 1;
        }
        return labels;
    }

    public List<Sample> samples() {
        return samples;
    }

    /** The samples of one metric. */
    public List<Sample> samples(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** True when the scrape has at least one sample of {@code name}. */
    public boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }

    /** The sum of a metric over its label sets (0 when absent). */
    public double sum(String name) {
        return samples(name).stream().mapToDouble(Sample::value).sum();
    }

    /** The sum over the label sets that match. */
    public double sum(String name, Predicate<Sample> where) {
        return samples(name).stream().filter(where).mapToDouble(Sample::value).sum();
    }

    /** The largest value of a metric over its label sets; empty when absent. */
    public OptionalDouble max(String name) {
        return samples(name).stream().mapToDouble(Sample::value).max();
    }

    /** Every metric summed over its label sets. */
    public Map<String, Double> sums() {
        Map<String, Double> sums = new HashMap<>();
        for (Sample s : samples) {
            sums.merge(s.name(), s.value(), Double::sum);
        }
        return sums;
    }
}
