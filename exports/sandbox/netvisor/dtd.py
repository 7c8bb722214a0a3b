"""The content models of the bodies the simulator takes, in the DTD's order (spec sections 5.2, 5.4, 5.7,
5.9: the order merged from Netvisor's published DTD copies and the clients' property order)."""
from __future__ import annotations

from .body import E, opt

DIMENSION = E("dimension", many=True, children=(E("dimensionname", True), E("dimensionitem", True)))

CUSTOMER = (
    E("customerbaseinformation", True, children=opt(
        "internalidentifier", "externalidentifier", "organizationunitnumber", "name", "nameextension",
        "streetaddress", "additionaladdressline", "city", "postnumber", "country", "customergroupname",
        "phonenumber", "faxnumber", "email", "homepageuri", "isactive", "isprivatecustomer",
        "emailinvoicingaddress")),
    E("customerfinvoicedetails", children=opt("finvoiceaddress", "finvoiceroutercode")),
    E("customerdeliverydetails", children=opt("deliveryname", "deliverystreetaddress", "deliverycity",
                                              "deliverypostnumber", "deliverycountry")),
    E("customercontactdetails", children=opt("contactname", "contactperson", "contactpersonemail",
                                             "contactpersonphone")),
    E("customeradditionalinformation", children=(
        *opt("comment", "customeragreementidentifier", "customerreferencenumber", "directdebitbankaccount",
             "invoicinglanguage", "invoiceprintchannelformat", "yourdefaultreference",
             "defaulttextbeforeinvoicelines", "defaulttextafterinvoicelines", "defaultpaymentterm",
             "defaultsecondname", "paymentinterest", "balancelimit", "receivablesmanagementautomationrule",
             "factoringaccount", "taxhandlingtype", "eustandardfinvoice"),
        E("defaultsalesperson", children=opt("salespersonid")))),
    E("customerdimensiondetails", children=(DIMENSION,)),
)

PRODUCT = (
    E("productbaseinformation", True, children=opt(
        "productcode", "productgroup", "name", "description", "unitprice", "unit", "purchaseprice",
        "tariffheading", "comissionpercentage", "isactive", "issalesproduct", "inventoryenabled",
        "inventorybatchlinkingmode", "countryoforigin", "primaryeancode", "secondaryeancode",
        "inventoryalertlimit")),
    E("productbookkeepingdetails", children=opt("defaultvatpercentage", "defaultdomesticaccountnumber",
                                                "defaulteuaccountnumber", "defaultoutsideeuaccountnumber")),
    E("productadditionalinformation", children=(
        *opt("productnetweight", "productgrossweight", "productweightunit"), DIMENSION,
        E("productpackageinformation", children=opt("packagewidth", "packageheight", "packagelength")))),
    E("productcustomtags", children=(E("productcustomtag", many=True, children=opt("tagname", "tagvalue")),)),
)

DIMENSION_ITEM = (E("name", True), E("item", True), E("olditem"), E("fatherid"), E("fatheritem"), E("ishidden"),
                  E("integrationdimensiondetailguid"), E("integrationdimensiondetailfatherguid"))

PRODUCT_LINE = (
    E("productidentifier", True), E("productname", True), E("productunitprice", True), E("productunitpurchaseprice"),
    E("productvatpercentage", True), E("salesinvoiceproductlinequantity", True),
    *opt("salesinvoiceproductlinediscountpercentage", "salesinvoiceproductlinefreetext",
         "salesinvoiceproductlinevatsum", "salesinvoiceproductlinesum", "salesinvoiceproductlineinventoryid",
         "accountingaccountsuggestion", "skipaccrual"),
    DIMENSION,
    *opt("provisionpercentage", "accrualrule", "productunitname", "deliverydate", "ordernumber",
         "proposedaccount", "accountdimensiontext"),
)

INVOICE_LINE = (E("salesinvoiceproductline", children=PRODUCT_LINE),
                E("salesinvoicecommentline", children=(E("comment", True),)),
                E("salesinvoicesubline", children=opt("title", "sum")))

VOUCHER_LINE = (E("linesum", True), E("description"), E("accountnumber", True), E("vatpercent", True),
                E("skipaccrual"), DIMENSION)

ATTACHMENT = (E("mimetype", True), E("attachmentdescription", True), E("filename", True), E("documentdata", True),
              E("printbydefault"))

SALES_INVOICE = (
    *opt("salesinvoicenumber"), E("salesinvoicedate", True),
    *opt("salesinvoiceeventdate", "salesinvoiceduedate", "salesinvoicevaluedate", "salesinvoicedeliverydate",
         "salesinvoicedeliverytocustomerdate", "salesinvoicewaybillidentifier", "salesinvoiceproductpackagepallet",
         "salesinvoicereferencenumber"),
    E("salesinvoiceamount", True),
    *opt("selleridentifier", "sellername", "invoicetype"),
    E("salesinvoicestatus", True),
    *opt("salesinvoicefreetextbeforelines", "salesinvoicefreetextafterlines", "salesinvoiceourreference",
         "salesinvoiceyourreference", "salesinvoiceprivatecomment"),
    E("invoicingcustomeridentifier", True),
    *opt("invoicingcustomername", "invoicingcustomernameextension", "invoicingcustomeraddressline",
         "invoicingcustomeradditionaladdressline", "invoicingcustomerpostnumber", "invoicingcustomertown",
         "invoicingcustomercountrycode", "officeidentifier", "deliveryoffice", "deliveryaddressname",
         "deliveryaddressnameextension", "deliveryaddressline", "deliveryaddresspostnumber", "deliveryaddresstown",
         "deliveryaddresscountrycode", "deliverymethod", "deliveryterm", "salesinvoicetaxhandlingtype",
         "paymentterm", "paymenttermnetdays", "paymenttermcashdiscountdays", "paymenttermcashdiscount",
         "expectpartialpayments", "overridevouchersalesreceivablesaccountnumber",
         "salesinvoiceagreementidentifier", "printchannelformat", "secondname", "overriderateofoverdue",
         "ordernumber", "proposedaccount", "accountdimensiontext", "collectioncost", "isthirdpartysales"),
    E("invoicelines", True, children=(E("invoiceline", True, many=True, children=INVOICE_LINE),)),
    E("invoicevoucherlines", children=(E("voucherline", True, many=True, children=VOUCHER_LINE),)),
    E("accrualrule"),
    E("salesinvoiceattachments", children=(E("salesinvoiceattachment", True, many=True, children=ATTACHMENT),)),
    E("customtags", children=(E("tag", many=True, children=opt("tagname", "tagvalue")),)),
)

#: matchcreditnote.nv (Netvisor's article "Matching credit note to invoice").
MATCH_CREDIT_NOTE = (E("creditnotenetvisorkey", True), E("invoicenetvisorkey", True))
