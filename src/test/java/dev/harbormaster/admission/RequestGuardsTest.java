package dev.harbormaster.admission;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestGuardsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "application/json|application/json",
            "Application/JSON; charset=UTF-8|application/json",
            "application/json;charset=\"utf-8\"|application/json",
            "application/json ; a=1;b=\"x\\\"y\" ;|application/json",
            "text/plain|text/plain",
            "multipart/form-data; boundary=x|multipart/form-data",
            "application/merge-patch+json|application/merge-patch+json"})
    void aMediaTypeIsReadAsTypeAndSubtype(String header, String essence) {
        assertThat(RequestGuards.essence(header)).isEqualTo(essence);
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "", "application/", "/json", "application/json; charset", "application/json; a=\"open",
            "application json", "application/json, text/plain", "application/jsön"})
    void anythingElseIsNoMediaType(String header) {
        assertThat(RequestGuards.essence(header)).isNull();
    }
}
