package dev.fraudscore.node;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.bench.Replay;
import dev.fraudscore.features.Feature;
import dev.fraudscore.model.HandbookReplay;
import dev.fraudscore.model.ModelMetadata;
import dev.fraudscore.node.retrain.AuditTrainingSet;
import dev.fraudscore.node.support.Await;
import dev.fraudscore.node.support.Http;
import dev.fraudscore.node.support.RunningNode;
import dev.fraudscore.simulator.SimulationParameters;
import dev.fraudscore.simulator.Simulator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model retrained from the platform's own audit trail (issue 16): simulated transactions replayed through a real
 * node over HTTP with their fraud labels fed back a day late, then the admin job: a training set of the stored
 * feature values with labels as known at a cut-off, hyperparameters chosen on a validation split, evaluation beside
 * the champion on the same test rows, a new version on disk, loaded as the challenger.
 */
class RetrainIT {
    @TempDir
    static Path models;

    private static RunningNode it;

    @BeforeAll
    static void start() throws Exception {
        it = RunningNode.start("retrain_it", c -> c.getJsonObject("scoring").put("modelsDir", models.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        it.close();
    }

    @Test
    void aModelRetrainedFromTheAuditTrailIsEvaluatedBesideTheChampionAndShadowsAsTheChallenger(@TempDir Path dir)
            throws Exception {
        SimulationParameters p = SimulationParameters.handbook(16).withDays(21).withPopulation(300, 400);
        Path csv = dir.resolve("simulated.csv");
        Simulator.write(Simulator.generate(p), p, csv);
        Instant beforeLabels = Instant.now();
        Map<String, String> options = it.replayOptions(csv, "rt");
        options.put("label-delay-days", "1");
        Replay.Summary summary = Replay.run(options);
        assertEquals(0, summary.errors.get(), "every transaction and label accepted");
        long decided = summary.done.get();
        it.db()
                .awaitCount(
                        decided,
                        Duration.ofSeconds(60),
                        "SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE 'rt-%'");

        // labels as known at a cut-off: before the replay none was, now the frauds fed back are
        LocalDate first = SimulationParameters.handbook(16).start();
        try (Connection c = dev.fraudscore.node.Migrations.Jdbc.of(
                        it.node().config().postgres().url())
                .connect()) {
            List<HandbookReplay.Sample> then = AuditTrainingSet.load(c, first, first.plusDays(21), beforeLabels);
            List<HandbookReplay.Sample> now = AuditTrainingSet.load(c, first, first.plusDays(21), Instant.now());
            assertEquals(decided, then.size(), "every decision, with the feature values stored with it");
            assertEquals(0, then.stream().mapToInt(HandbookReplay.Sample::label).sum(), "no label known then");
            long frauds = now.stream().mapToInt(HandbookReplay.Sample::label).sum();
            assertTrue(frauds > 20, "the frauds fed back are known now: " + frauds);
            assertEquals(Feature.COUNT, now.get(0).features().length);
        }
        JsonObject tooEarly = runJob(new JsonObject()
                .put("at", beforeLabels.toString())
                .put("labelDelayDays", 1)
                .put("trainDays", 4)
                .put("testDays", 3));
        assertEquals("failed", tooEarly.getString("status"), tooEarly.encode());
        assertTrue(tooEarly.getString("error").contains("no labelled fraud"), tooEarly.encode());
        assertEquals(
                400,
                it.ops()
                        .post("/admin/retrain", "application/json", "{\"trainDays\":0}")
                        .statusCode(),
                "a bad option names its field");

        JsonObject job = runJob(
                new JsonObject().put("labelDelayDays", 1).put("trainDays", 4).put("testDays", 3), () -> {
                    HttpResponse<String> second = it.ops().post("/admin/retrain", "application/json", "{}");
                    assertEquals(409, second.statusCode(), "one job at a time: " + second.body());
                    assertEquals("retrain_running", new JsonObject(second.body()).getString("rule"));
                });
        assertEquals("done", job.getString("status"), job.encode());
        JsonObject report = job.getJsonObject("report");
        JsonObject training = report.getJsonObject("training");
        String version = report.getString("version");
        assertTrue(training.getInteger("trainFrauds") > 0, training.encode());
        assertNotNull(training.getString("labelCutoff"));
        // the grid of 8, tried on the validation split grown from nothing and continued from the champion (the served
        // model was trained on handbook days in July, none of the simulated April days it is judged on here)
        JsonArray trials = report.getJsonArray("validation");
        assertEquals(16, trials.size(), trials.encode());
        assertEquals(
                8,
                trials.stream()
                        .filter(t -> ((JsonObject) t).getBoolean("fromChampion"))
                        .count(),
                trials.encode());
        assertEquals(
                report.getJsonObject("chosen").getBoolean("fromChampion"),
                training.containsKey("continuedFrom"),
                "a model continued from the champion names it");
        JsonObject test = report.getJsonObject("test");
        assertTrue(test.getJsonObject("challenger").getInteger("frauds") > 0, test.encode());
        assertEquals(
                test.getJsonObject("challenger").getInteger("transactions"),
                test.getJsonObject("champion").getInteger("transactions"),
                "both models on the same test rows");
        LocalDate testFrom = LocalDate.parse(training.getString("testRange").split("\\.\\.")[0]);
        LocalDate trainTo = LocalDate.parse(training.getString("trainRange").split("\\.\\.")[1]);
        LocalDate validateTo =
                LocalDate.parse(training.getString("validationRange").split("\\.\\.")[1]);
        assertTrue(trainTo.isBefore(testFrom) && validateTo.isBefore(testFrom), "never tuned or trained on the test");

        Path metadata = Path.of(report.getString("metadata"));
        assertTrue(metadata.startsWith(models.resolve("versions")), metadata.toString());
        ModelMetadata meta = ModelMetadata.read(metadata);
        assertEquals(version, meta.version());
        assertEquals(Feature.names(), meta.features());
        assertTrue(Files.exists(metadata.resolveSibling(meta.modelFile())));
        assertTrue(Files.readString(metadata.resolveSibling("MODEL_CARD.md"))
                .contains("Retrained from the platform's audit trail"));

        // loaded as the challenger: it scores new decisions in shadow, and the change is in the log
        JsonObject served = new JsonObject(it.ops().get("/admin/models").body());
        assertEquals(version, served.getJsonObject("challenger").getString("modelVersion"), served.encode());
        JsonArray changes = new JsonObject(it.http()
                        .getWithKey(
                                "/v1/risk/changes?limit=5",
                                Http.key(it.node().config().security().keysDir(), "risk"))
                        .body())
                .getJsonArray("items");
        assertEquals("retrained", changes.getJsonObject(0).getString("action"), changes.encode());
        assertEquals("local-admin", changes.getJsonObject(0).getString("actor"));
        HttpResponse<String> shadowed = it.http().authorize(Http.tx("rt-after", "card-rt-after", "term-rt", 40));
        assertEquals(200, shadowed.statusCode(), shadowed.body());
        assertEquals(
                1,
                it.db()
                        .awaitCount(
                                1,
                                Duration.ofSeconds(20),
                                "SELECT count(*) FROM audit.decisions WHERE transaction_id = 'rt-after'"
                                        + " AND challenger_version = ? AND challenger_score IS NOT NULL",
                                version));
        JsonObject comparison =
                new JsonObject(it.ops().get("/admin/models/comparison").body());
        assertEquals(version, comparison.getString("challenger"), comparison.encode());
        assertTrue(comparison.getInteger("decisions") >= 1, comparison.encode());
        assertFalse(comparison.getBoolean("promotable"), "the default rule needs 200 labelled frauds");
    }

    private interface WhileRunning {
        void check() throws Exception;
    }

    private static JsonObject runJob(JsonObject body) throws Exception {
        return runJob(body, () -> {});
    }

    private static JsonObject runJob(JsonObject body, WhileRunning whileRunning) throws Exception {
        HttpResponse<String> started = it.ops().post("/admin/retrain", "application/json", body.encode());
        assertEquals(202, started.statusCode(), started.body());
        whileRunning.check();
        String id = new JsonObject(started.body()).getString("job");
        return Await.value(
                () -> {
                    JsonObject job =
                            new JsonObject(it.ops().get("/admin/retrain/" + id).body());
                    return job.getString("status").equals("running") ? null : job;
                },
                Duration.ofSeconds(120));
    }
}
