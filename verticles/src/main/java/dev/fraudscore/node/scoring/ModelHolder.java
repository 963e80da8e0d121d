package dev.fraudscore.node.scoring;

import dev.fraudscore.domain.Thresholds;
import dev.fraudscore.model.FraudModel;
import dev.fraudscore.model.ModelLoadException;
import dev.fraudscore.node.config.ConfigException;
import dev.fraudscore.node.config.NodeConfig;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models this node serves: the champion, which decides, and an optional challenger scored in shadow.
 * Swaps are atomic: a batch captures the {@link Served} it started with, so a request never sees half a
 * swap; a replaced model is closed only after a grace period, once batches that captured it are done.
 * Loading is blocking (file read, native load, checks): call {@link #load} from a worker thread.
 */
public final class ModelHolder {
    private static final Logger LOG = LoggerFactory.getLogger(ModelHolder.class);
    private static final long RETIRE_AFTER_SECONDS = 60;

    /** A loaded model and the thresholds decisions made with it use. */
    public record Served(FraudModel model, Thresholds thresholds, Path path) {
        public String version() {
            return model.version();
        }
    }

    private final NodeConfig.Decision decisionConfig;
    private final ScheduledExecutorService retirer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "model-retirer");
        t.setDaemon(true);
        return t;
    });
    private volatile Served champion;
    private volatile Served challenger;
    /** Thresholds set at run time for the whole cluster; null: from the config, else the model. */
    private volatile Thresholds override;

    public ModelHolder(NodeConfig.Decision decisionConfig, Served champion) {
        this.decisionConfig = decisionConfig;
        this.champion = champion;
    }

    /** Loads and checks a model (blocking); thresholds from the config when set there, else from the model. */
    public static Served load(Path metadata, NodeConfig.Decision d) throws ModelLoadException {
        FraudModel model = FraudModel.load(metadata);
        double review = d.reviewThreshold() >= 0
                ? d.reviewThreshold()
                : model.metadata().reviewThreshold();
        double decline = d.declineThreshold() >= 0
                ? d.declineThreshold()
                : model.metadata().declineThreshold();
        try {
            return new Served(model, new Thresholds(review, decline), metadata);
        } catch (IllegalArgumentException e) {
            model.close();
            throw new ConfigException("decision.reviewThreshold", e.getMessage());
        }
    }

    public Served champion() {
        return champion;
    }

    /** The shadow model, or null. */
    public Served challenger() {
        return challenger;
    }

    private volatile double canary;

    /** The share of cards (0 to 1) the challenger decides for; 0 when there is no challenger. */
    public double canary() {
        return challenger == null ? 0 : canary;
    }

    /**
     * The challenger decides for this share of cards (by {@link dev.fraudscore.node.bus.FeatureVector#bucket}), the
     * champion for the rest; 0 rolls back at once. Needs a challenger; a new challenger starts at 0.
     */
    public synchronized Served setCanary(double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("a canary share is between 0 and 1, was " + share);
        }
        if (share > 0 && challenger == null) {
            throw new IllegalStateException("no challenger: load one before giving it a canary share");
        }
        canary = share;
        LOG.info("canary: the challenger decides for {}% of cards", share * 100);
        return challenger;
    }

    /**
     * Loads a new champion (blocking); the old one keeps serving if this throws. {@code sha256}: the model file's
     * checksum the operator expects (null: the one its metadata records). Returns the new one.
     */
    public synchronized Served promote(Path metadata, String sha256) throws ModelLoadException {
        Served next = withOverride(checked(load(metadata, decisionConfig), sha256));
        Served old = champion;
        champion = next;
        LOG.info("champion model {} -> {}", old.version(), next.version());
        retire(old);
        return next;
    }

    /** Loads a challenger to score in shadow (blocking), or removes it when {@code metadata} is null. */
    public synchronized Served shadow(Path metadata, String sha256) throws ModelLoadException {
        Served next = metadata == null ? null : withOverride(checked(load(metadata, decisionConfig), sha256));
        Served old = challenger;
        canary = 0; // a new challenger (or none) starts in shadow only
        challenger = next;
        LOG.info(
                "challenger model {} -> {}",
                old == null ? "none" : old.version(),
                next == null ? "none" : next.version());
        if (old != null) {
            retire(old);
        }
        return next;
    }

    private static Served checked(Served loaded, String sha256) throws ModelLoadException {
        String actual = loaded.model().metadata().modelSha256();
        if (sha256 != null && !sha256.equals(actual)) {
            loaded.model().close();
            throw new ModelLoadException("model file of " + loaded.version() + " has SHA-256 " + actual + ", not the "
                    + sha256 + " the request names");
        }
        return loaded;
    }

    /** New thresholds for every decision from now on, kept across later model swaps. */
    public synchronized Served setThresholds(Thresholds thresholds) {
        override = thresholds;
        champion = withOverride(champion);
        if (challenger != null) {
            challenger = withOverride(challenger);
        }
        LOG.info("thresholds now REVIEW >= {} and DECLINE >= {}", thresholds.review(), thresholds.decline());
        return champion;
    }

    private Served withOverride(Served s) {
        Thresholds t = override;
        return t == null ? s : new Served(s.model(), t, s.path());
    }

    private void retire(Served old) {
        retirer.schedule(() -> old.model().close(), RETIRE_AFTER_SECONDS, TimeUnit.SECONDS);
    }

    /** Closes every model now (node shutdown). */
    public synchronized void close() {
        retirer.shutdownNow();
        champion.model().close();
        if (challenger != null) {
            challenger.model().close();
        }
    }
}
