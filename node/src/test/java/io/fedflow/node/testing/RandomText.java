package io.fedflow.node.testing;

import java.util.SplittableRandom;

/** Random strings for property tests that must hold for any text: drawn from an alphabet, never a lone surrogate. */
public final class RandomText {

    private RandomText() {
    }

    /**
     * Up to {@code maxLength - 1} characters of {@code alphabet}; a surrogate pair in the alphabet is drawn whole
     * (picking its low half draws nothing), so the result is always well-formed UTF-16.
     */
    public static String of(SplittableRandom r, String alphabet, int maxLength) {
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(maxLength); i > 0; i--) {
            int at = r.nextInt(alphabet.length());
            char c = alphabet.charAt(at);
            if (Character.isHighSurrogate(c)) {
                b.append(c).append(alphabet.charAt(at + 1));
            } else if (!Character.isLowSurrogate(c)) {
                b.append(c);
            }
        }
        return b.toString();
    }
}
