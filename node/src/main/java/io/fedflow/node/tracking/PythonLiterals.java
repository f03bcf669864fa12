package io.fedflow.node.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON values written as Python's {@code str()} writes them. FATE writes an output row by joining
 * {@code str(value)} with ',' (prediction rows carry predict_detail, a dict), and FATE's pipeline reads
 * predict_detail back by turning its single quotes into double quotes and parsing JSON: so the dict must
 * look exactly like Python's, {@code {'0': 0.25, '1': 0.75}}, unquoted.
 */
final class PythonLiterals {
    private PythonLiterals() {}

    /** {@code str(value)} of the Python value this JSON value stands for. */
    static String str(JsonNode v) {
        StringBuilder sb = new StringBuilder();
        append(sb, v, false);
        return sb.toString();
    }

    private static void append(StringBuilder sb, JsonNode v, boolean nested) {
        if (v.isObject()) {
            sb.append('{');
            Iterator<Map.Entry<String, JsonNode>> it = v.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                quote(sb, e.getKey());
                sb.append(": ");
                append(sb, e.getValue(), true);
                if (it.hasNext()) {
                    sb.append(", ");
                }
            }
            sb.append('}');
        } else if (v.isArray()) {
            sb.append('[');
            for (int i = 0; i < v.size(); i++) {
                sb.append(i == 0 ? "" : ", ");
                append(sb, v.get(i), true);
            }
            sb.append(']');
        } else if (v.isIntegralNumber()) {
            sb.append(v.bigIntegerValue());
        } else if (v.isNumber()) {
            sb.append(floatRepr(v.doubleValue()));
        } else if (v.isBoolean()) {
            sb.append(v.booleanValue() ? "True" : "False");
        } else if (v.isNull()) {
            sb.append("None");
        } else if (nested) {
            quote(sb, v.asText());
        } else {
            sb.append(v.asText());
        }
    }

    /** A str inside a container: repr() quotes it with single quotes (the pipeline swaps them for '"'). */
    private static void quote(StringBuilder sb, String s) {
        sb.append('\'');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\'' -> sb.append("\\'");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
        sb.append('\'');
    }

    /**
     * Python's repr of a float: the shortest digits that read back, positional when the
     * decimal exponent is in [-4, 16), else {@code d.ddde-05} / {@code 1e+16}.
     */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal b = shortest(d);
        String digits = b.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - b.scale();
        String sign = d < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
        }
        String plain = b.abs().toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }

    /** The fewest significant digits that read back as {@code d} (JDK 17's Double.toString may give more). */
    private static BigDecimal shortest(double d) {
        BigDecimal exact = new BigDecimal(d);
        for (int digits = 1; digits < 17; digits++) {
            BigDecimal b = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (b.doubleValue() == d) {
                return b.stripTrailingZeros();
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
    }
}
