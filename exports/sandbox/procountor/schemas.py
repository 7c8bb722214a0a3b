"""Request bodies Procountor accepts, as JSON Schemas (exports.sandbox.validation): the writable fields of
each resource (spec sections 5, 6, 8, 11, 12, 13), their kinds and what is required. Read-only fields
(id, status, version where not required ...) are refused as unknown."""
from __future__ import annotations

from ..validation import BOOL, DATE, INT, LIST, NUM, OBJ, STR, object_schema

ADDRESS = object_schema({"name": STR, "specifier": STR, "street": STR, "zip": STR, "city": STR, "country": STR,
                         "subdivision": STR})

INVOICING_INFO = object_schema({
    "customerNumber": STR, "identifier": STR, "identifierType": STR, "ovt": STR, "invoiceChannel": STR,
    "contactPerson": STR, "language": STR, "email": STR, "bccAddresses": LIST, "denyEinvoiceReminders": BOOL,
    "orderReference": STR, "einvoiceAddress": STR, "einvoiceOperator": STR, "sellerReferenceIdentifier": STR,
    "buyerReferenceIdentifier": STR, "orderNumber": STR, "agreementNumber": STR, "accountingCode": STR,
    "deliverySite": STR, "tenderReference": STR})

PARTNER_PAYMENT_INFO = object_schema({
    "paymentMethod": STR, "bankAccount": STR, "paymentTermDays": STR, "paymentTermPercentage": NUM,
    "penalInterestRate": NUM, "discountPercentage": NUM, "cashDiscount": OBJ, "currency": STR,
    "deliveryMethod": STR, "clearingCode": STR, "bic": STR, "customerAccountNumber": STR,
    "factoringContractId": INT}, {"paymentMethod"})

REGISTRY_INFO = object_schema({
    "active": BOOL, "phone": STR, "mobilePhone": STR, "fax": STR, "section": STR, "homeMunicipality": STR,
    "reportGroup": STR, "reportGroupId": INT, "partnerGroups": LIST})

PARTNER_FIELDS = {"id": INT, "name": STR, "type": STR, "version": STR, "address": OBJ, "billingAddress": OBJ,
                  "deliveryAddress": OBJ, "invoicingInfo": OBJ, "paymentInfo": OBJ, "registryInfo": OBJ,
                  "additionalInfo": OBJ, "contactPersons": LIST, "attachments": LIST}
PARTNER = object_schema(PARTNER_FIELDS, {"name", "type", "paymentInfo"})
for _name, _schema in (("address", ADDRESS), ("billingAddress", ADDRESS), ("deliveryAddress", ADDRESS),
                       ("invoicingInfo", INVOICING_INFO), ("paymentInfo", PARTNER_PAYMENT_INFO),
                       ("registryInfo", REGISTRY_INFO)):
    PARTNER["properties"][_name] = {"anyOf": [_schema, {"type": "null"}]}
PARTNER["properties"]["paymentInfo"] = PARTNER_PAYMENT_INFO

PRODUCT_GROUP = object_schema({"name": STR, "type": STR}, {"name", "type"})

PRODUCT = object_schema({
    "id": INT, "type": STR, "name": STR, "code": STR, "unit": STR, "discount": NUM, "price": NUM, "vat": NUM,
    "active": BOOL, "defaultAccount": STR, "vatStatus": INT, "currency": STR, "productGroupId": INT,
    "productLocalizations": LIST, "version": STR},
    {"type", "name", "discount", "price", "active", "currency"})

DEFAULT_DIMENSION = object_schema({"id": INT, "name": STR, "items": LIST}, {"id", "items"})
DEFAULT_DIMENSION["properties"]["items"] = {"type": "array", "items": object_schema(
    {"id": INT, "codeName": STR, "percent": NUM, "status": STR, "description": STR}, {"codeName", "percent"})}

DIMENSION_ITEM = object_schema({"codeName": STR, "description": STR}, {"codeName"})

EINVOICE_ADDRESS = object_schema({"operator": STR, "address": STR, "ediId": STR})
COUNTER_PARTY = object_schema({
    "counterPartyAddress": OBJ, "contactPersonName": STR, "identifier": STR, "taxCode": STR, "customerNumber": STR,
    "email": STR, "bccAddresses": LIST, "bankAccount": OBJ, "einvoiceAddress": OBJ}, {"counterPartyAddress"})
COUNTER_PARTY["properties"]["counterPartyAddress"] = ADDRESS
COUNTER_PARTY["properties"]["einvoiceAddress"] = {"anyOf": [EINVOICE_ADDRESS, {"type": "null"}]}

BANK_ACCOUNT = object_schema({"accountNumber": STR, "bic": STR})
INVOICE_PAYMENT_INFO = object_schema({
    "paymentMethod": STR, "currency": STR, "dueDate": DATE, "currencyRate": NUM, "bankAccount": OBJ,
    "bankReferenceCode": STR, "bankReferenceCodeType": STR, "newDueDate": DATE, "paymentTermPercentage": NUM,
    "cashDiscount": OBJ, "clearingCode": STR}, {"paymentMethod", "currency", "dueDate", "currencyRate"})
INVOICE_PAYMENT_INFO["properties"]["bankAccount"] = {"anyOf": [BANK_ACCOUNT, {"type": "null"}]}

EXTRA_INFO = object_schema({"accountingByRow": BOOL, "unitPricesIncludeVat": BOOL},
                           {"accountingByRow", "unitPricesIncludeVat"})

INVOICE_ROW = object_schema({
    "id": INT, "productId": INT, "product": STR, "productCode": STR, "quantity": NUM, "unit": STR, "unitPrice": NUM,
    "discountPercent": NUM, "vatPercent": NUM, "vatStatus": INT, "comment": STR, "startDate": DATE, "endDate": DATE,
    "headerText": STR, "explanationText": STR},
    {"product", "quantity", "unit", "unitPrice", "discountPercent", "vatPercent"})

INVOICE = object_schema({
    "id": INT, "type": STR, "status": STR, "partnerId": INT, "date": DATE, "vatStatus": INT, "vatCountry": STR,
    "language": STR, "invoiceChannel": STR, "invoiceTemplateId": INT, "invoiceNumber": INT,
    "originalInvoiceNumber": STR, "counterParty": OBJ, "billingAddress": OBJ, "deliveryAddress": OBJ,
    "paymentInfo": OBJ, "extraInfo": OBJ, "discountPercent": NUM, "penaltyPercent": NUM, "orderReference": STR,
    "additionalInformation": STR, "notes": STR, "deliveryStartDate": DATE, "deliveryEndDate": DATE,
    "deliveryMethod": STR, "deliveryInstructions": STR, "orderNumber": STR, "agreementNumber": STR,
    "accountingCode": STR, "deliverySite": STR, "tenderReference": STR, "buyerReferenceIdentifier": STR,
    "sellerReferenceIdentifier": STR, "invoiceRows": LIST, "version": STR},
    {"type", "date", "invoiceChannel", "counterParty", "paymentInfo", "extraInfo", "discountPercent", "invoiceRows"})
INVOICE["properties"].update({
    "counterParty": COUNTER_PARTY, "paymentInfo": INVOICE_PAYMENT_INFO, "extraInfo": EXTRA_INFO,
    "billingAddress": {"anyOf": [ADDRESS, {"type": "null"}]},
    "deliveryAddress": {"anyOf": [ADDRESS, {"type": "null"}]},
    "invoiceRows": {"type": "array", "items": INVOICE_ROW, "minItems": 1}})

DIMENSION_VALUE = object_schema({"dimensionId": INT, "itemId": INT, "value": NUM},
                                {"dimensionId", "itemId", "value"})
TRANSACTION = object_schema({
    "id": INT, "transactionType": STR, "account": STR, "accountingValue": NUM, "vatPercent": NUM, "vatType": STR,
    "vatStatus": INT, "description": STR, "balanceCode": STR, "allocations": LIST, "partnerId": INT,
    "dimensionItemValues": LIST, "vatDeductionPercent": NUM, "startDate": DATE, "endDate": DATE},
    {"transactionType", "account", "accountingValue", "vatPercent"})
TRANSACTION["properties"]["dimensionItemValues"] = {"anyOf": [{"type": "array", "items": DIMENSION_VALUE},
                                                              {"type": "null"}]}

LEDGER_RECEIPT = object_schema({
    "id": INT, "type": STR, "status": STR, "name": STR, "receiptDate": DATE, "vatType": STR, "vatStatus": INT,
    "vatProcessing": OBJ, "invoiceId": INT, "receiptNumber": INT, "invoiceNumber": INT, "invoiceNotes": STR,
    "accountantsNotes": STR, "transactionDescription": STR, "receiptValidity": STR, "periodStartDate": DATE,
    "periodEndDate": DATE, "partnerId": INT, "partnerCode": STR, "serialNumber": STR, "version": STR,
    "depreciation": STR, "vatDate": DATE, "transactions": LIST, "attachments": LIST},
    {"type", "name", "receiptDate", "vatType", "vatStatus", "transactions", "version"})
LEDGER_RECEIPT["properties"]["transactions"] = {"type": "array", "items": TRANSACTION, "minItems": 1}

ATTACHMENT_META = object_schema({"name": STR, "referenceType": STR, "referenceId": INT, "sendWithInvoice": BOOL,
                                 "mimeType": STR}, {"name", "referenceType", "referenceId"})

APPROVE = object_schema({"comment": STR})
