using Omnibus.ServiceBus.Amqp;

namespace Omnibus.Amqp.Tests.ServiceBus;

public sealed class EntityAddressTests
{
    [Theory]
    [InlineData("q", "q")]
    [InlineData("/q", "q")]
    [InlineData("/t/Subscriptions/s", "t/Subscriptions/s")]
    [InlineData("amqps://localhost/q/$DeadLetterQueue", "q/$DeadLetterQueue")]
    [InlineData("sb://host:5672/my%20queue/", "my queue")]
    [InlineData("%24cbs", "$cbs")]
    [InlineData(null, "")]
    public void Addresses_are_normalized_to_entity_paths(string? address, string path) =>
        Assert.Equal(path, EntityAddress.Normalize(address));

    [Fact]
    public void A_management_address_names_its_entity()
    {
        Assert.True(EntityAddress.IsManagement("t/Subscriptions/s/$management", out string entity));
        Assert.Equal("t/Subscriptions/s", entity);
        Assert.False(EntityAddress.IsManagement("q", out _));
    }

    [Fact]
    public void Cbs_is_recognized_in_any_case() => Assert.True(EntityAddress.IsCbs("$CBS"));
}
