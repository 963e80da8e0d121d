package dev.fraudscore.node.scoring;

import dev.fraudscore.model.DriftReference;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Drift alarms: each decision the champion scores is binned, feature by feature and for its score, with the edges of
 * the model's training set ({@link DriftReference}), per UTC day; the population stability index of the day so far
 * against the training shares is exported per model version and column as {@code fraud_drift_psi{model, feature}}
 * (NaN until {@value #MIN_DECISIONS} decisions of the day), and the columns that moved most are at {@code GET
 * /admin/drift}. Conventionally a PSI under 0.1 is stable, 0.1 to 0.25 a shift to watch, above 0.25 a drift
 * (alert {@code FraudFeatureDrift}). A model without a reference in its metadata is not watched.
 */
public final class DriftMonitor {
    static final int MIN_DECISIONS = 1_000;

    private final MeterRegistry registry;
    private final Clock clock;
    private volatile Window window;

    /** One model version's counts for one day. */
    private static final class Window {
        final String version;
        final DriftReference reference;
        /** The UTC day, as days since the epoch. */
        final long day;

        final AtomicLongArray[] counts;
        final List<Meter> gauges = new ArrayList<>();

        Window(String version, DriftReference reference, long day) {
            this.version = version;
            this.reference = reference;
            this.day = day;
            this.counts = new AtomicLongArray[reference.features().size()];
            for (int j = 0; j < counts.length; j++) {
                counts[j] = new AtomicLongArray(reference.shares()[j].length);
            }
        }

        long decisions() {
            long n = 0;
            for (int b = 0; b < counts[0].length(); b++) {
                n += counts[0].get(b);
            }
            return n;
        }

        double psi(int j) {
            if (decisions() < MIN_DECISIONS) {
                return Double.NaN;
            }
            long[] c = new long[counts[j].length()];
            for (int b = 0; b < c.length; b++) {
                c[b] = counts[j].get(b);
            }
            return reference.psi(j, c);
        }
    }

    public DriftMonitor(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** Counts one decision of {@code model}: its feature row (in the reference's order) and its score. */
    public void record(ModelHolder.Served model, float[] row, double score) {
        Window w = window(model);
        if (w == null) {
            return;
        }
        DriftReference r = w.reference;
        int columns = r.features().size();
        for (int j = 0; j < columns; j++) {
            double v = j < row.length ? row[j] : score;
            w.counts[j].incrementAndGet(DriftReference.bin(r.edges()[j], v));
        }
    }

    private Window window(ModelHolder.Served model) {
        Window w = window;
        long today = Math.floorDiv(clock.millis(), 86_400_000L); // per decision: no date object
        if (w != null && w.day == today && w.version.equals(model.version())) {
            return w;
        }
        synchronized (this) {
            w = window;
            if (w != null && w.day == today && w.version.equals(model.version())) {
                return w;
            }
            DriftReference reference = model.model().metadata().driftReference();
            if (reference == null) {
                return null;
            }
            Window next = new Window(model.version(), reference, today);
            for (int j = 0; j < reference.features().size(); j++) {
                int column = j;
                next.gauges.add(Gauge.builder("fraud.drift.psi", next, x -> x.psi(column))
                        .description("population stability index of a feature (or the score) today against the"
                                + " model's training set")
                        .tag("model", next.version)
                        .tag("feature", reference.features().get(j))
                        .register(registry));
            }
            if (w != null) {
                w.gauges.forEach(registry::remove);
            }
            window = next;
            return next;
        }
    }

    /** Today's figures for the model being watched: every column's PSI, largest first. */
    public JsonObject report() {
        Window w = window;
        if (w == null) {
            return new JsonObject()
                    .put("model", (String) null)
                    .put("why", "no decision scored yet by a model with" + " a drift reference in its metadata");
        }
        List<JsonObject> columns = new ArrayList<>();
        for (int j = 0; j < w.reference.features().size(); j++) {
            double psi = w.psi(j);
            columns.add(new JsonObject()
                    .put("feature", w.reference.features().get(j))
                    .put("psi", Double.isNaN(psi) ? null : Math.round(psi * 1e4) / 1e4));
        }
        columns.sort(Comparator.comparing((JsonObject c) -> c.getDouble("psi") == null ? -1 : c.getDouble("psi"))
                .reversed());
        return new JsonObject()
                .put("model", w.version)
                .put("day", LocalDate.ofEpochDay(w.day).toString())
                .put("decisions", w.decisions())
                .put("minDecisions", MIN_DECISIONS)
                .put("trainingRows", w.reference.rows())
                .put("columns", new JsonArray(new ArrayList<>(columns)));
    }
}
