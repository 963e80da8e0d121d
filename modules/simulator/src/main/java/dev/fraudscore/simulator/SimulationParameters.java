package dev.fraudscore.simulator;

import java.time.LocalDate;

/**
 * Every knob of the generator, defaulting to the handbook's: 5,000 customers, 10,000 terminals, 183 days
 * from 2018-04-01, terminals within distance 5 of a customer, 2 terminals and 3 customers compromised a
 * day for 28 and 14 days, amounts above 220 fraudulent.
 */
public record SimulationParameters(
        long seed,
        int customers,
        int terminals,
        int days,
        LocalDate start,
        double radius,
        double minMeanAmount,
        double maxMeanAmount,
        double maxMeanTxPerDay,
        double amountThreshold,
        int compromisedTerminalsPerDay,
        int terminalCompromiseDays,
        int compromisedCustomersPerDay,
        int customerCompromiseDays,
        double customerFraudShare,
        double customerFraudMultiplier) {

    public static SimulationParameters handbook(long seed) {
        return new SimulationParameters(
                seed, 5_000, 10_000, 183, LocalDate.parse("2018-04-01"), 5, 5, 100, 4, 220, 2, 28, 3, 14, 1.0 / 3, 5);
    }

    public SimulationParameters withDays(int d) {
        return new SimulationParameters(
                seed,
                customers,
                terminals,
                d,
                start,
                radius,
                minMeanAmount,
                maxMeanAmount,
                maxMeanTxPerDay,
                amountThreshold,
                compromisedTerminalsPerDay,
                terminalCompromiseDays,
                compromisedCustomersPerDay,
                customerCompromiseDays,
                customerFraudShare,
                customerFraudMultiplier);
    }

    public SimulationParameters withPopulation(int c, int t) {
        return new SimulationParameters(
                seed,
                c,
                t,
                days,
                start,
                radius,
                minMeanAmount,
                maxMeanAmount,
                maxMeanTxPerDay,
                amountThreshold,
                compromisedTerminalsPerDay,
                terminalCompromiseDays,
                compromisedCustomersPerDay,
                customerCompromiseDays,
                customerFraudShare,
                customerFraudMultiplier);
    }

    /** The same generator with other fraud patterns: the amount above which a payment is fraud, and how much a
     * compromised customer's fraudulent payments are multiplied. */
    public SimulationParameters withFrauds(double threshold, double multiplier) {
        return new SimulationParameters(
                seed,
                customers,
                terminals,
                days,
                start,
                radius,
                minMeanAmount,
                maxMeanAmount,
                maxMeanTxPerDay,
                threshold,
                compromisedTerminalsPerDay,
                terminalCompromiseDays,
                compromisedCustomersPerDay,
                customerCompromiseDays,
                customerFraudShare,
                multiplier);
    }
}
