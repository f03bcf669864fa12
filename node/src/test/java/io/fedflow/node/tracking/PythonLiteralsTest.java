package io.fedflow.node.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.node.json.Json;
import org.junit.jupiter.api.Test;

/** Values written as Python's str()/repr() writes them (known Python 3 outputs). */
class PythonLiteralsTest {
    @Test
    void floatsAsPythonReprWritesThem() {
        assertThat(PythonLiterals.floatRepr(0.75)).isEqualTo("0.75");
        assertThat(PythonLiterals.floatRepr(1.0)).isEqualTo("1.0");
        assertThat(PythonLiterals.floatRepr(0.0001)).isEqualTo("0.0001");
        assertThat(PythonLiterals.floatRepr(0.00001)).isEqualTo("1e-05");
        assertThat(PythonLiterals.floatRepr(1.5e-7)).isEqualTo("1.5e-07");
        assertThat(PythonLiterals.floatRepr(12345678.0)).isEqualTo("12345678.0");
        assertThat(PythonLiterals.floatRepr(1e16)).isEqualTo("1e+16");
        assertThat(PythonLiterals.floatRepr(-2.5e22)).isEqualTo("-2.5e+22");
        assertThat(PythonLiterals.floatRepr(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    }

    @Test
    void dictsAsPythonStrWritesThem() {
        assertThat(PythonLiterals.str(Json.parse("{\"0\": 0.25, \"1\": 0.75}"))).isEqualTo("{'0': 0.25, '1': 0.75}");
        assertThat(PythonLiterals.str(Json.parse("{\"a'b\": [1, true, null, \"x\"]}")))
                .isEqualTo("{'a\\'b': [1, True, None, 'x']}");
    }
}
