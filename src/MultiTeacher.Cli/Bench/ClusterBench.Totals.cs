using System.Diagnostics;

namespace MultiTeacher.Cli.Bench;

/// <summary>Rows, time, broker traffic and CPU of the rounds of <c>mt bench cluster</c>.</summary>
internal static partial class ClusterBench
{
    /// <summary>Rows, time and broker traffic summed over the rounds of one side of one configuration.</summary>
    private sealed class Totals
    {
        private double _wall;
        private double _driverCpu;
        private double _teachersCpu;
        private double _brokerCpu;

        public long Rows { get; private set; }

        public long Shards { get; private set; }

        public double Seconds { get; private set; }

        public long Messages { get; private set; }

        public long Bytes { get; private set; }

        /// <summary>Cores used (CPU seconds per second of the rounds, warm-up and drain included) by the driver, the teachers and the broker.</summary>
        public (double Driver, double Teachers, double Broker) Cores => _wall > 0 ? (_driverCpu / _wall, _teachersCpu / _wall, _brokerCpu / _wall) : default;

        public double SamplesPerSecond => Rows / Seconds;

        /// <summary>Measures the CPU time of the processes named while <paramref name="round"/> runs.</summary>
        public async Task<PumpResult> MeterAsync(Func<Task<PumpResult>> round, IReadOnlyList<int> teachers, int? broker)
        {
            var start = Stopwatch.GetTimestamp();
            var driver = CpuMeter.Seconds(Environment.ProcessId);
            var teachersCpu = CpuMeter.Seconds(teachers);
            var brokerCpu = broker is { } b ? CpuMeter.Seconds(b) : 0;
            var result = await round().ConfigureAwait(false);
            _driverCpu += CpuMeter.Seconds(Environment.ProcessId) - driver;
            _teachersCpu += CpuMeter.Seconds(teachers) - teachersCpu;
            _brokerCpu += broker is { } c ? CpuMeter.Seconds(c) - brokerCpu : 0;
            _wall += Stopwatch.GetElapsedTime(start).TotalSeconds;
            return result;
        }

        public void Add(PumpResult round)
        {
            Rows += round.Rows;
            Shards += round.Shards;
            Seconds += round.Seconds;
            if (round.Before is { } before && round.After is { } after)
            {
                // Every request goes through the broker once (published here, delivered to a teacher) and every output
                // once (published by a teacher, delivered here): the driver's counters see each message once.
                Messages += after.Published - before.Published + (after.Delivered - before.Delivered);
                Bytes += after.BytesOut - before.BytesOut + (after.BytesIn - before.BytesIn);
            }
        }
    }
}
