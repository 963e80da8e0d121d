package dev.fraudscore.model;

import dev.fraudscore.simulator.SimulationParameters;
import dev.fraudscore.simulator.Simulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Where the tools (train, tune, replay, evaluate, the Kafka benchmark) find handbook-format transactions, in
 * this order: {@code --data FILE}; {@code --simulate DAYS}, transactions made by the project's simulator with
 * the handbook's parameters (written once to {@code var/simulated/}, deterministic by {@code --seed}); the
 * user's copy of the handbook in {@code data/handbook/} (filled by {@code ops/get-handbook.sh}); the copy
 * beside the project in {@code ../shared/data/handbook/}. When none is there the tool says so in one line.
 *
 * @param file the CSV (plain or gzipped)
 * @param first the first day it holds
 * @param last the last day it holds
 */
public record HandbookData(Path file, LocalDate first, LocalDate last, boolean simulated) {
    public static final String FILE = "transactions.csv.gz";
    /** The published handbook file's days. */
    public static final LocalDate HANDBOOK_FIRST = LocalDate.parse("2018-04-01");

    public static final LocalDate HANDBOOK_LAST = LocalDate.parse("2018-08-14");

    static final List<Path> HOMES = List.of(Path.of("data/handbook", FILE), Path.of("../shared/data/handbook", FILE));

    /** No data where the tool looked: the message says what is missing and how to get it. */
    public static final class Missing extends RuntimeException {
        Missing(String message) {
            super(message, null, false, false);
        }
    }

    /** The data the options name: {@code data}, {@code simulate} (days) and {@code seed} (default 42). */
    public static HandbookData resolve(Map<String, String> options) throws IOException {
        String data = options.getOrDefault("data", "");
        String simulate = options.getOrDefault("simulate", "");
        if (!data.isBlank()) {
            Path file = Path.of(data);
            if (!Files.isRegularFile(file)) {
                throw new Missing("no file " + file + " (--data); omit --data to use data/handbook/" + FILE
                        + ", or pass --simulate DAYS to use simulated transactions");
            }
            return new HandbookData(file, HANDBOOK_FIRST, HANDBOOK_LAST, false);
        }
        if (!simulate.isBlank()) {
            return simulated(Integer.parseInt(simulate), Long.parseLong(options.getOrDefault("seed", "42")));
        }
        for (Path home : HOMES) {
            if (Files.isRegularFile(home)) {
                return new HandbookData(home, HANDBOOK_FIRST, HANDBOOK_LAST, false);
            }
        }
        throw new Missing(
                "no handbook data: data/handbook/" + FILE + " is missing; run ops/get-handbook.sh to fetch it "
                        + "from the handbook's public repository, pass --data FILE, or pass --simulate DAYS to use simulated "
                        + "transactions instead");
    }

    /** The simulator's transactions for {@code days} days from 2018-04-01, generated once and kept in var/simulated/. */
    public static HandbookData simulated(int days, long seed) throws IOException {
        if (days < 60) {
            throw new Missing("--simulate needs at least 60 days (38 days of history before a training week, "
                    + "a week to train, a week's gap and a week to test), was " + days);
        }
        SimulationParameters p = SimulationParameters.handbook(seed).withDays(days);
        Path file = Path.of("var/simulated", "handbook-" + days + "d-seed" + seed + ".csv.gz");
        if (!Files.isRegularFile(file)) {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp.gz");
            System.err.printf("simulating %d days of transactions (seed %d) into %s ...%n", days, seed, file);
            Simulator.write(Simulator.generate(p), p, tmp);
            Files.move(tmp, file);
        }
        return new HandbookData(file, p.start(), p.start().plusDays(days - 1), true);
    }

    /**
     * The protocol's split for this data: the book's (train 07-25..07-31, test 08-08..08-14) when the data covers
     * it; else the same shape at its end: a test week ending on the last day, a week's gap, a training week.
     */
    public Split split() {
        if (!last.isBefore(HANDBOOK_LAST) && !first.isAfter(HANDBOOK_FIRST)) {
            return new Split(
                    LocalDate.parse("2018-07-25"),
                    LocalDate.parse("2018-07-31"),
                    LocalDate.parse("2018-08-08"),
                    LocalDate.parse("2018-08-14"));
        }
        return new Split(last.minusDays(20), last.minusDays(14), last.minusDays(6), last);
    }

    /** A training and a test range (inclusive); the tuner's ranges are the same one week earlier. */
    public record Split(LocalDate trainFrom, LocalDate trainTo, LocalDate testFrom, LocalDate testTo) {
        public Split weekEarlier() {
            return new Split(trainFrom.minusDays(7), trainTo.minusDays(7), testFrom.minusDays(7), testTo.minusDays(7));
        }

        public String train() {
            return trainFrom + ":" + trainTo;
        }

        public String test() {
            return testFrom + ":" + testTo;
        }
    }

    /** For a tool's main: runs it; a missing data file ends the tool with one line and exit status 2. */
    public static void runTool(ToolMain main) throws Exception {
        try {
            main.run();
        } catch (Missing e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    @FunctionalInterface
    public interface ToolMain {
        void run() throws Exception;
    }
}
