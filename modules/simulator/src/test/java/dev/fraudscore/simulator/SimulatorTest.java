package dev.fraudscore.simulator;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The generator against the handbook's published data (days 60-129, once the 28-day terminal compromises
 * have reached their steady state): 9,581 transactions, 84.4 frauds and 74.4 fraudulent cards a day;
 * frauds by scenario 6.6% / 62.3% / 31.1%.
 */
class SimulatorTest {
    private static final List<Simulator.Tx> SIMULATED =
            Simulator.generate(SimulationParameters.handbook(7).withDays(100));

    private static List<Simulator.Tx> steady() {
        return SIMULATED.stream().filter(t -> t.day() >= 40).toList();
    }

    @Test
    void transactionsPerDayMatchTheHandbookWithinThreePercent() {
        double perDay = steady().size() / 60.0;
        assertEquals(9_581, perDay, 9_581 * 0.03, "transactions per day");
    }

    @Test
    void fraudsAndFraudulentCardsPerDayMatchWithinFifteenPercent() {
        List<Simulator.Tx> s = steady();
        double frauds = s.stream().filter(t -> t.fraud == 1).count() / 60.0;
        Set<String> cardDays = new HashSet<>();
        s.stream().filter(t -> t.fraud == 1).forEach(t -> cardDays.add(t.day() + "/" + t.customer));
        assertEquals(84.4, frauds, 84.4 * 0.15, "frauds per day");
        assertEquals(74.4, cardDays.size() / 60.0, 74.4 * 0.15, "fraudulent cards per day");
    }

    @Test
    void scenarioSharesMatchWithinFivePoints() {
        List<Simulator.Tx> frauds = steady().stream().filter(t -> t.fraud == 1).toList();
        double[] share = new double[4];
        frauds.forEach(t -> share[t.scenario] += 1.0 / frauds.size());
        assertEquals(0.066, share[1], 0.05, "amount above 220");
        assertEquals(0.623, share[2], 0.05, "compromised terminals");
        assertEquals(0.311, share[3], 0.05, "compromised customers");
    }

    @Test
    void sameSeedSameData() {
        List<Simulator.Tx> again =
                Simulator.generate(SimulationParameters.handbook(7).withDays(100));
        assertEquals(SIMULATED.size(), again.size());
        for (int i = 0; i < again.size(); i += 997) {
            assertEquals(SIMULATED.get(i).amount, again.get(i).amount);
            assertEquals(SIMULATED.get(i).terminal, again.get(i).terminal);
            assertEquals(SIMULATED.get(i).fraud, again.get(i).fraud);
        }
        assertNotEquals(
                SIMULATED.size(),
                Simulator.generate(SimulationParameters.handbook(8).withDays(100))
                        .size());
    }

    @Test
    void timesAndAmountsAreInRangeAndOrdered() {
        for (int i = 1; i < SIMULATED.size(); i++) {
            assertTrue(SIMULATED.get(i).seconds >= SIMULATED.get(i - 1).seconds);
        }
        assertTrue(SIMULATED.stream().allMatch(t -> t.amount >= 0));
        assertTrue(SIMULATED.stream().filter(t -> t.scenario == 1).allMatch(t -> t.amount > 220));
    }

    @Test
    void fraudPatternsChangeOnTheShiftDayAndOnlyThen() {
        SimulationParameters p = SimulationParameters.handbook(7).withDays(100);
        List<Simulator.Tx> shifted = Simulator.generate(p, 70, p.withFrauds(150, 2));
        assertEquals(SIMULATED.size(), shifted.size(), "the same population and payments");
        for (int i = 0; i < shifted.size(); i++) {
            Simulator.Tx before = SIMULATED.get(i);
            Simulator.Tx after = shifted.get(i);
            assertEquals(before.seconds, after.seconds);
            assertEquals(before.customer, after.customer);
            // a compromise that started before day 70 keeps its multiplier: the payments are the same up to day 69
            if (before.day() < 70) {
                assertEquals(before.amount, after.amount, "day " + before.day());
                assertEquals(before.fraud, after.fraud, "day " + before.day());
            }
        }
        List<Simulator.Tx> late = shifted.stream().filter(t -> t.day() >= 84).toList();
        assertTrue(late.stream().filter(t -> t.amount > 150).allMatch(t -> t.fraud == 1), "the new amount rule");
        assertTrue(late.stream().filter(t -> t.scenario == 1).anyMatch(t -> t.amount <= 220));
        // from 14 days after the shift every compromised customer's fraud is multiplied by 2, not 5: their amounts
        // are drawn around the customer's mean (at most 100), so 5x is often above 220 and 2x seldom
        double share5 = SIMULATED.stream()
                        .filter(t -> t.day() >= 84 && t.scenario == 3)
                        .filter(t -> t.amount > 220)
                        .count()
                / (double) SIMULATED.stream()
                        .filter(t -> t.day() >= 84 && t.scenario == 3)
                        .count();
        double share2 = late.stream()
                        .filter(t -> t.scenario == 3)
                        .filter(t -> t.amount > 220)
                        .count()
                / (double) late.stream().filter(t -> t.scenario == 3).count();
        assertTrue(share5 > 0.3 && share2 < share5 / 3, share5 + " vs " + share2);
    }
}
