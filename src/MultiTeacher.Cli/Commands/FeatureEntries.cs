using System.Globalization;
using MultiTeacher.Configuration;
using MultiTeacher.Core.Losses.Features;
using MultiTeacher.Distillation.Features;

namespace MultiTeacher.Cli.Commands;

/// <summary>
/// Reads <c>multiteacher.distill.features</c> (items <c>{ teacher, layer, student-layer, loss, weight, power }</c>),
/// <c>feature-form</c> and <c>feature-dtype</c>. Whether the layers exist is checked against the networks when the
/// run starts (FeaturePlan); here each field's form.
/// </summary>
internal static class FeatureEntries
{
    private static readonly string[] s_fields = ["teacher", "layer", "student-layer", "loss", "weight", "power"];

    public static (IReadOnlyList<FeatureSpec> Specs, FeatureWire Wire) Read(ConfigSection section)
    {
        var key = ConfigPath.Combine(section.Path, "features");
        var specs = new List<FeatureSpec>();
        foreach (var (record, index) in section.GetRecordList("features", "teacher", s_fields).Select((r, i) => (r, i)))
        {
            string Field(string name) => record.TryGetValue(name, out var value) && value.Length > 0
                ? value
                : throw new InvalidConfigurationException($"{key}: item {index}: {name} is missing (each item needs teacher, layer, student-layer and loss)");

            FeatureLossKind loss;
            try
            {
                loss = FeatureLossKinds.Parse(Field("loss"));
            }
            catch (ArgumentException e)
            {
                throw new InvalidConfigurationException($"{key}: item {index}: {e.Message.Split(" (Parameter")[0]}", e);
            }

            specs.Add(new FeatureSpec(Field("teacher"), Field("layer"), Field("student-layer"), loss,
                record.TryGetValue("weight", out var w) ? (float)Number(key, index, "weight", w) : 1f,
                record.TryGetValue("power", out var p) ? Number(key, index, "power", p, positive: true) : AttentionTransfer.DefaultPower));
        }

        var form = section.Get("feature-form", "full or attention-map", t => t switch
        {
            "full" => false,
            "attention-map" => true,
            _ => throw new FormatException(),
        });
        var half = section.Get("feature-dtype", "float32 or float16", t => t switch
        {
            "float32" => false,
            "float16" => true,
            _ => throw new FormatException(),
        });
        return (specs, new FeatureWire(form, half));
    }

    private static double Number(string key, int index, string name, string text, bool positive = false) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && (positive ? value > 0 : value >= 0)
            ? value
            : throw new InvalidConfigurationException($"{key}: item {index}: {name} must be a {(positive ? "positive" : "non-negative")} number, got \"{text}\"");
}
