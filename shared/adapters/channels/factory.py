"""Which channel uses which provider: the ones whose credentials are set; the rest deliver to
the embedded outbox."""

from __future__ import annotations

from collections.abc import Mapping

from shared.domain.messaging import Channel
from shared.ports.channels import ChannelSender


def senders_from(
    providers: Mapping[str, str], public_base_url: str, callback_token: str
) -> dict[Channel, ChannelSender]:
    senders: dict[Channel, ChannelSender] = {}
    p = providers
    if {"GRAPH_TENANT_ID", "GRAPH_CLIENT_ID", "GRAPH_CLIENT_SECRET"} <= p.keys():
        from shared.adapters.channels.graph_mail import GraphMailChannel

        senders[Channel.EMAIL] = GraphMailChannel(
            tenant_id=p["GRAPH_TENANT_ID"],
            client_id=p["GRAPH_CLIENT_ID"],
            client_secret=p["GRAPH_CLIENT_SECRET"],
            authority_host=p.get("GRAPH_AUTHORITY_HOST", "https://login.microsoftonline.com"),
            graph_url=p.get("GRAPH_URL", "https://graph.microsoft.com/v1.0"),
        )
    if "CM_PRODUCT_TOKEN" in p:
        from shared.adapters.channels.cm_sms import CmSmsChannel

        senders[Channel.SMS] = CmSmsChannel(
            product_token=p["CM_PRODUCT_TOKEN"],
            sender=p.get("CM_SENDER", "Inning"),
            base_url=p.get("CM_BASE_URL", "https://gw.cmtelecom.com"),
        )
    if {"WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"} <= p.keys():
        from shared.adapters.channels.whatsapp_cloud import WhatsAppCloudChannel

        senders[Channel.WHATSAPP] = WhatsAppCloudChannel(
            token=p["WHATSAPP_TOKEN"],
            phone_number_id=p["WHATSAPP_PHONE_NUMBER_ID"],
            base_url=p.get("WHATSAPP_BASE_URL", "https://graph.facebook.com/v21.0"),
        )
    if {"TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_CALLER_ID"} <= p.keys():
        from shared.adapters.channels.twilio_voice import TwilioVoiceChannel

        senders[Channel.ROBOCALL] = TwilioVoiceChannel(
            account_sid=p["TWILIO_ACCOUNT_SID"], auth_token=p["TWILIO_AUTH_TOKEN"], caller_id=p["TWILIO_CALLER_ID"],
            status_callback=f"{public_base_url}/api/callbacks/twilio/{callback_token}" if callback_token else None,
            base_url=p.get("TWILIO_BASE_URL", "https://api.twilio.com"),
        )  # fmt: skip
    if {"PINGEN_CLIENT_ID", "PINGEN_CLIENT_SECRET", "PINGEN_ORGANISATION_ID"} <= p.keys():
        from shared.adapters.channels.pingen_letters import PingenLetterChannel

        senders[Channel.LETTER] = PingenLetterChannel(
            client_id=p["PINGEN_CLIENT_ID"], client_secret=p["PINGEN_CLIENT_SECRET"], organisation_id=p["PINGEN_ORGANISATION_ID"],
            api_url=p.get("PINGEN_API_URL", "https://api.pingen.com"), identity_url=p.get("PINGEN_IDENTITY_URL", "https://identity.pingen.com"),
        )  # fmt: skip
    return senders
