package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

/** Instance numbers: rising, never twice before the wrap, and after it the lowest free one, never running out. */
class InstanceNumbersTest {

    @Test
    void numbersRiseAndAreNotGivenAgainAfterTheirNodeIsRemovedUntilTheyWrap() {
        InstanceNumbers numbers = new InstanceNumbers();
        BitSet live = new BitSet();
        for (int i = 0; i < 3; i++) {
            live.set(numbers.next(live::get));
        }
        live.clear(0);
        assertThat(numbers.next(live::get)).as("0000 was removed, but numbers rise until they wrap").isEqualTo(3);
    }

    @Test
    void pastTheLastNumberTheLowestNumberNoNodeHasAndNoneIsKeptForIsGiven() {
        InstanceNumbers numbers = new InstanceNumbers();
        BitSet live = new BitSet();
        for (int i = 0; i < InstanceNumbers.LIMIT; i++) {
            assertThat(numbers.next(live::get)).isEqualTo(i);
            live.set(i);
        }
        assertThat(numbers.next(live::get)).as("all 10,000 are devices").isEqualTo(-1);
        numbers.reserve(5);
        live.clear(5);
        live.clear(7);
        live.clear(9_999);
        assertThat(numbers.next(live::get)).as("5 is kept for a remembered node").isEqualTo(7);
        live.set(7);
        assertThat(numbers.next(live::get)).isEqualTo(9_999);
        live.set(9_999);
        assertThat(numbers.next(live::get)).isEqualTo(-1);
    }

    @Test
    void aNodeBroughtBackOrReservedMakesLaterNumbersHigher() {
        InstanceNumbers numbers = new InstanceNumbers();
        numbers.given(4);
        assertThat(numbers.next(n -> false)).isEqualTo(5);
        numbers.reserve(8);
        assertThat(numbers.next(n -> false)).isEqualTo(9);
    }
}
