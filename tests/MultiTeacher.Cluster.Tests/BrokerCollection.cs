using MultiTeacher.Cluster.Testing;

namespace MultiTeacher.Cluster.Tests;

[CollectionDefinition(BrokerFixture.Collection)]
public sealed class BrokerCollection : ICollectionFixture<BrokerFixture>;
