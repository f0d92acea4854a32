"""What the conversations routes accept and return: quick texts, approved WhatsApp templates,
messages by hand and which channels are open for a debtor."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from shared.api.schemas import Strict

HandChannel = Literal["email", "sms", "whatsapp", "letter"]
Identifier = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


class QuickTextIn(Strict):
    quick_text_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    channel: HandChannel
    name: str = Field(min_length=1, max_length=100)
    text: str = Field(min_length=1, max_length=20_000)
    language: Literal["nl", "en"] = "nl"
    subject: str = Field(default="", max_length=500)
    whatsapp_template: str | None = Field(default=None, max_length=512, pattern=r"^[a-z0-9_]+$")


class QuickTextUpdateIn(Strict):
    channel: HandChannel
    name: str = Field(min_length=1, max_length=100)
    text: str = Field(min_length=1, max_length=20_000)
    language: Literal["nl", "en"] = "nl"
    subject: str = Field(default="", max_length=500)
    whatsapp_template: str | None = Field(default=None, max_length=512, pattern=r"^[a-z0-9_]+$")


class QuickTextOut(BaseModel):
    quick_text_id: str
    channel: str
    name: str
    text: str
    language: str
    subject: str
    whatsapp_template: str | None


class QuickTextSavedOut(QuickTextOut):
    sample: str = Field(description="The text rendered for a sample debtor")
    sms_parts: int | None = Field(description="SMS: the parts it costs for the sample")
    warnings: list[str]


class WhatsappTemplateIn(Strict):
    languages: list[str] = Field(min_length=1, max_length=20)
    body_params: list[str] = Field(default_factory=list, max_length=20)
    url_button_base: str | None = Field(default=None, max_length=500)
    url_button_index: int = Field(default=0, ge=0, le=9)


class WhatsappTemplateOut(BaseModel):
    name: str
    languages: list[str]
    body_params: list[str]
    url_button_base: str | None
    url_button_index: int


class WhatsappTemplateSavedOut(WhatsappTemplateOut):
    sample_params: list[str]


class MessageIn(Strict):
    channel: HandChannel
    quick_text: str | None = Field(default=None, max_length=64)
    template: str | None = Field(default=None, max_length=100)
    whatsapp_template: str | None = Field(default=None, max_length=512, pattern=r"^[a-z0-9_]+$")
    subject: str = Field(default="", max_length=500)
    body: str = Field(default="", max_length=20_000)
    invoices: list[str] = Field(default_factory=list, max_length=50)
    reminder: str | None = Field(default=None, max_length=500)


class MessageQueuedOut(BaseModel):
    key: str = Field(description="The message's id in the outbox")
    channel: str
    created: bool = Field(description="False: the same request was received before")
    status: str
    not_before: datetime | None = Field(description="When it may go out (contact hours)")
    deferred: bool
    free_text: bool
    whatsapp_template: str | None
    sms_parts: int | None
    warnings: list[str]


class ChannelOut(BaseModel):
    channel: str
    available: bool
    reason: str
    free_text: bool
    window_closes_at: datetime | None
    quick_texts: int


class ReminderOut(BaseModel):
    key: str
    link_id: str
    channel: str
    created_at: datetime
    status: str
    invoice_numbers: list[str]
