using System.Text.Json.Nodes;

namespace MultiTeacher.Configuration.Tests;

/// <summary>Shortcuts for the tests: parsing with a controlled environment, compact JSON, JSON tree comparison.</summary>
internal static class TestHocon
{
    public static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();

    public static HoconConfig Parse(string text, IReadOnlyDictionary<string, string>? environment = null) =>
        HoconConfig.Parse(text, "test.conf", new HoconLoadOptions { Environment = environment ?? NoEnvironment });

    /// <summary>The resolved tree of <paramref name="text"/> as compact JSON.</summary>
    public static string Json(string text, IReadOnlyDictionary<string, string>? environment = null) =>
        Parse(text, environment).ToJson(indented: false);

    /// <summary>Asserts two JSON trees are equal: object keys in any order, numbers by value (1 equals 1.0).</summary>
    public static void AssertJsonEqual(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        switch (expected)
        {
            case null:
                Assert.True(actual is null, $"{path}: expected null, got {actual?.ToJsonString()}");
                break;
            case JsonObject expectedObject:
                var actualObject = Assert.IsType<JsonObject>(actual);
                Assert.Equal(expectedObject.Select(p => p.Key).Order(), actualObject.Select(p => p.Key).Order());
                foreach (var (key, value) in expectedObject)
                {
                    AssertJsonEqual(value, actualObject[key], $"{path}.{key}");
                }
                break;
            case JsonArray expectedArray:
                var actualArray = Assert.IsType<JsonArray>(actual);
                Assert.True(expectedArray.Count == actualArray.Count, $"{path}: expected {expectedArray.Count} elements, got {actualArray.Count}");
                for (int i = 0; i < expectedArray.Count; i++)
                {
                    AssertJsonEqual(expectedArray[i], actualArray[i], $"{path}[{i}]");
                }
                break;
            case JsonValue expectedValue when expectedValue.GetValueKind() == System.Text.Json.JsonValueKind.Number:
                var actualValue = Assert.IsAssignableFrom<JsonValue>(actual);
                Assert.True(actualValue.GetValueKind() == System.Text.Json.JsonValueKind.Number,
                    $"{path}: expected the number {expected}, got {actualValue.ToJsonString()}");
                Assert.True(expectedValue.GetValue<decimal>() == actualValue.GetValue<decimal>(), $"{path}: expected {expected}, got {actual}");
                break;
            default:
                Assert.True(JsonNode.DeepEquals(expected, actual), $"{path}: expected {expected.ToJsonString()}, got {actual?.ToJsonString()}");
                break;
        }
    }
}
