package io.losscl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** PyTorch's broadcasting rules as the references and kernels use them: shapes, and which element each element reads. */
class BroadcastTest {
    @Test
    void shapesAlignTrailingDimensions() {
        assertEquals(Shape.of(4, 3, 5), Broadcast.shapes(Shape.of(4, 1, 5), Shape.of(3, 5)));
        assertEquals(Shape.of(2, 3), Broadcast.shapes(Shape.of(2, 3), Shape.of(2, 3)));
        assertEquals(Shape.of(7), Broadcast.shapes(Shape.scalar(), Shape.of(7)));
        assertNull(Broadcast.shapes(Shape.of(2, 3), Shape.of(4, 3)));
    }

    /** The map reads what the strides say, element by element: an equal shape reads itself, a broadcast one its own element. */
    @Test
    void mapReadsTheBroadcastElement() {
        long[][][] pairs = {{{4, 1, 5}, {4, 3, 5}}, {{3, 5}, {4, 3, 5}}, {{4, 3, 5}, {4, 3, 5}}, {{1}, {6}}, {{}, {2, 2}}, {{2, 1}, {2, 3}}};
        for (long[][] p : pairs) {
            Shape small = Shape.of(p[0]), out = Shape.of(p[1]);
            long[] strides = Broadcast.strides(small, out);
            Broadcast.IndexMap map = Broadcast.map(small, out);
            for (long i = 0; i < out.numel(); i++) {
                assertEquals(Broadcast.index(i, out, strides), map.at(i), small + " in " + out + " at " + i);
            }
        }
        // the rule itself: a [2, 1] column in [2, 3] is read as rows 0, 0, 0, 1, 1, 1
        Broadcast.IndexMap col = Broadcast.map(Shape.of(2, 1), Shape.of(2, 3));
        int[] want = {0, 0, 0, 1, 1, 1};
        for (int i = 0; i < 6; i++) assertEquals(want[i], col.at(i));
    }
}
