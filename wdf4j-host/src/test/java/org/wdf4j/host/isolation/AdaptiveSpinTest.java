package org.wdf4j.host.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The spin a waiting side learns: shorter after long waits, down to none; longer again when answers come quickly. */
class AdaptiveSpinTest {

    private static final long LONGEST = 64_000;

    @Test
    void startsAtTheLongestAndStaysThereWhileAnswersComeWithinIt() {
        AdaptiveSpin spin = new AdaptiveSpin(LONGEST);
        assertThat(spin.next()).isEqualTo(LONGEST);
        spin.ended(10_000);
        spin.ended(LONGEST);
        assertThat(spin.next()).isEqualTo(LONGEST);
    }

    @Test
    void longWaitsHalveItDownToNoneAndQuickAnswersBringItBack() {
        AdaptiveSpin spin = new AdaptiveSpin(LONGEST);
        spin.ended(LONGEST + 1);
        assertThat(spin.next()).isEqualTo(LONGEST / 2);
        for (int i = 0; i < 6; i++) {
            spin.ended(1_000_000);
        }
        assertThat(spin.next()).as("below a 64th of the longest: none").isZero();
        spin.ended(1_000);
        assertThat(spin.next()).as("a quick answer after a sleep: a 16th at least").isEqualTo(LONGEST / 16);
        spin.ended(0);
        spin.ended(0);
        spin.ended(0);
        spin.ended(0);
        assertThat(spin.next()).isEqualTo(LONGEST);
        spin.ended(1_000_000);
        for (int i = 0; i < 6; i++) {
            spin.ended(1_000_000);
        }
        assertThat(spin.next()).isZero();
        spin.ended(20_000);
        assertThat(spin.next()).as("at least twice the wait that spinning would have served").isEqualTo(40_000);
    }

    @Test
    void noLongestMeansNoSpin() {
        AdaptiveSpin spin = new AdaptiveSpin(0);
        spin.ended(0);
        assertThat(spin.next()).isZero();
    }
}
