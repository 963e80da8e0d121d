package dev.fraudscore.simulator;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/**
 * Simulates card transactions the way the Fraud Detection Handbook's generator does, deterministic by
 * seed: customer and terminal profiles on a 100 x 100 square, each customer using the terminals within
 * {@code radius}; per customer and day a Poisson number of transactions at normally distributed times of
 * day with normally distributed amounts; then the three fraud scenarios in order (amount above the
 * threshold; compromised terminals; compromised customers whose transactions get multiplied amounts).
 * Writes the handbook's CSV format, so everything that reads the handbook reads this.
 */
public final class Simulator {
    private static final int DAY_SECONDS = 86_400;

    /** One simulated transaction (mutable while frauds are applied). */
    public static final class Tx {
        public long id;
        public final long seconds;
        public final int customer;
        public final int terminal;
        public double amount;
        public int fraud;
        public int scenario;

        Tx(long seconds, int customer, int terminal, double amount) {
            this.seconds = seconds;
            this.customer = customer;
            this.terminal = terminal;
            this.amount = amount;
        }

        public int day() {
            return (int) (seconds / DAY_SECONDS);
        }
    }

    private Simulator() {}

    public static List<Tx> generate(SimulationParameters p) {
        return generate(p, Integer.MAX_VALUE, p);
    }

    /**
     * Transactions whose fraud patterns change on day {@code shiftDay} (0 = the first day): from then on the amount
     * rule and the compromised customers' multiplier are {@code after}'s (the population, its habits and every other
     * draw stay {@code p}'s). A stand-in for fraud that changes, to show what retraining recovers.
     */
    public static List<Tx> generate(SimulationParameters p, int shiftDay, SimulationParameters after) {
        SplittableRandom rnd = new SplittableRandom(p.seed());
        double[] cx = new double[p.customers()],
                cy = new double[p.customers()],
                mean = new double[p.customers()],
                sd = new double[p.customers()],
                perDay = new double[p.customers()];
        for (int c = 0; c < p.customers(); c++) {
            cx[c] = rnd.nextDouble(100);
            cy[c] = rnd.nextDouble(100);
            mean[c] = p.minMeanAmount() + rnd.nextDouble() * (p.maxMeanAmount() - p.minMeanAmount());
            sd[c] = mean[c] / 2;
            perDay[c] = rnd.nextDouble() * p.maxMeanTxPerDay();
        }
        double[] tx = new double[p.terminals()], ty = new double[p.terminals()];
        for (int t = 0; t < p.terminals(); t++) {
            tx[t] = rnd.nextDouble(100);
            ty[t] = rnd.nextDouble(100);
        }
        int[][] nearby = nearbyTerminals(cx, cy, tx, ty, p.radius());

        List<Tx> all = new ArrayList<>();
        for (int c = 0; c < p.customers(); c++) {
            if (nearby[c].length == 0) {
                continue;
            }
            for (int day = 0; day < p.days(); day++) {
                int n = poisson(rnd, perDay[c]);
                for (int i = 0; i < n; i++) {
                    long time = Math.round(DAY_SECONDS / 2.0 + 20_000 * gaussian(rnd));
                    if (time <= 0 || time >= DAY_SECONDS) {
                        continue;
                    }
                    double amount = mean[c] + sd[c] * gaussian(rnd);
                    if (amount < 0) {
                        amount = rnd.nextDouble() * 2 * mean[c];
                    }
                    amount = Math.round(amount * 100) / 100.0;
                    int terminal = nearby[c][rnd.nextInt(nearby[c].length)];
                    all.add(new Tx((long) day * DAY_SECONDS + time, c, terminal, amount));
                }
            }
        }
        all.sort((a, b) -> Long.compare(a.seconds, b.seconds));
        for (int i = 0; i < all.size(); i++) {
            all.get(i).id = i;
        }
        applyFrauds(all, p, rnd, shiftDay, after);
        return all;
    }

    private static void applyFrauds(
            List<Tx> all, SimulationParameters p, SplittableRandom rnd, int shiftDay, SimulationParameters after) {
        for (Tx t : all) {
            if (t.amount > (t.day() >= shiftDay ? after : p).amountThreshold()) {
                t.fraud = 1;
                t.scenario = 1;
            }
        }
        Map<Integer, List<Tx>> byTerminal = new HashMap<>();
        Map<Integer, List<Tx>> byCustomer = new HashMap<>();
        for (Tx t : all) {
            byTerminal.computeIfAbsent(t.terminal, k -> new ArrayList<>()).add(t);
            byCustomer.computeIfAbsent(t.customer, k -> new ArrayList<>()).add(t);
        }
        for (int day = 0; day < p.days(); day++) {
            for (int terminal : sample(rnd, p.terminals(), p.compromisedTerminalsPerDay())) {
                for (Tx t : byTerminal.getOrDefault(terminal, List.of())) {
                    if (t.day() >= day && t.day() < day + p.terminalCompromiseDays()) {
                        t.fraud = 1;
                        t.scenario = 2;
                    }
                }
            }
        }
        for (int day = 0; day < p.days(); day++) {
            List<Tx> pooled = new ArrayList<>();
            for (int customer : sample(rnd, p.customers(), p.compromisedCustomersPerDay())) {
                for (Tx t : byCustomer.getOrDefault(customer, List.of())) {
                    if (t.day() >= day && t.day() < day + p.customerCompromiseDays()) {
                        pooled.add(t);
                    }
                }
            }
            int k = (int) (pooled.size() * p.customerFraudShare());
            double multiplier = (day >= shiftDay ? after : p).customerFraudMultiplier();
            for (int i : sample(rnd, pooled.size(), k)) {
                Tx t = pooled.get(i);
                t.amount = Math.round(t.amount * multiplier * 100) / 100.0;
                t.fraud = 1;
                t.scenario = 3;
            }
        }
    }

    private static int[][] nearbyTerminals(double[] cx, double[] cy, double[] tx, double[] ty, double radius) {
        int[][] out = new int[cx.length][];
        int[] buffer = new int[tx.length];
        double r2 = radius * radius;
        for (int c = 0; c < cx.length; c++) {
            int n = 0;
            for (int t = 0; t < tx.length; t++) {
                double dx = cx[c] - tx[t], dy = cy[c] - ty[t];
                if (dx * dx + dy * dy < r2) {
                    buffer[n++] = t;
                }
            }
            out[c] = Arrays.copyOf(buffer, n);
        }
        return out;
    }

    /** {@code k} distinct values of 0..n-1 (partial Fisher-Yates). */
    static int[] sample(SplittableRandom rnd, int n, int k) {
        k = Math.min(k, n);
        Map<Integer, Integer> swapped = new HashMap<>();
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            int j = i + rnd.nextInt(n - i);
            int vj = swapped.getOrDefault(j, j);
            swapped.put(j, swapped.getOrDefault(i, i));
            out[i] = vj;
        }
        return out;
    }

    private static double gaussian(SplittableRandom rnd) {
        double u, v, s;
        do {
            u = rnd.nextDouble() * 2 - 1;
            v = rnd.nextDouble() * 2 - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }

    /** Knuth's method for small means, a rounded normal approximation above 30. */
    private static int poisson(SplittableRandom rnd, double lambda) {
        if (lambda > 30) {
            return Math.max(0, (int) Math.round(lambda + Math.sqrt(lambda) * gaussian(rnd)));
        }
        double limit = Math.exp(-lambda), product = rnd.nextDouble();
        int n = 0;
        while (product > limit) {
            product *= rnd.nextDouble();
            n++;
        }
        return n;
    }

    /** Writes the handbook's CSV columns (gzipped when the name ends in .gz). */
    public static void write(List<Tx> all, SimulationParameters p, Path file) throws IOException {
        var raw = Files.newOutputStream(file);
        try (BufferedWriter w = new BufferedWriter(
                new OutputStreamWriter(
                        file.toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw,
                        StandardCharsets.US_ASCII),
                1 << 16)) {
            w.write(
                    "TRANSACTION_ID,TX_DATETIME,CUSTOMER_ID,TERMINAL_ID,TX_AMOUNT,TX_TIME_SECONDS,TX_TIME_DAYS,TX_FRAUD,TX_FRAUD_SCENARIO\n");
            LocalDateTime start = p.start().atStartOfDay();
            for (Tx t : all) {
                w.write(t.id + "," + start.plusSeconds(t.seconds) + "," + t.customer + "," + t.terminal + "," + t.amount
                        + "," + t.seconds + "," + t.day() + "," + t.fraud + "," + t.scenario + "\n");
            }
        }
    }

    /**
     * {@code Simulator --out file.csv.gz [--seed 42] [--days 183] [--customers 5000] [--terminals 10000]
     * [--shift-day N --shift-threshold 220 --shift-multiplier 5]}: with a shift day, the fraud patterns change then
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> o = new HashMap<>(Map.of(
                "out", "var/simulated.csv.gz", "seed", "42", "days", "183", "customers", "5000", "terminals", "10000"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].substring(2), args[i + 1]);
        }
        SimulationParameters p = SimulationParameters.handbook(Long.parseLong(o.get("seed")))
                .withDays(Integer.parseInt(o.get("days")))
                .withPopulation(Integer.parseInt(o.get("customers")), Integer.parseInt(o.get("terminals")));
        int shiftDay = Integer.parseInt(o.getOrDefault("shift-day", String.valueOf(Integer.MAX_VALUE)));
        SimulationParameters after = p.withFrauds(
                Double.parseDouble(o.getOrDefault("shift-threshold", String.valueOf(p.amountThreshold()))),
                Double.parseDouble(o.getOrDefault("shift-multiplier", String.valueOf(p.customerFraudMultiplier()))));
        long start = System.nanoTime();
        List<Tx> all = generate(p, shiftDay, after);
        Path out = Path.of(o.get("out"));
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        write(all, p, out);
        long frauds = all.stream().filter(t -> t.fraud == 1).count();
        System.out.printf(
                "%,d transactions, %,d frauds (%.2f%%) over %d days -> %s in %.1f s%n",
                all.size(), frauds, 100.0 * frauds / all.size(), p.days(), out, (System.nanoTime() - start) / 1e9);
    }
}
