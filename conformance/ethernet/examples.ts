/**
 * The request examples of the Ethernet Order API's source document (seed 002), copied as data so that the
 * checks can build orders from them without the source at hand. test/ethernet/seed-examples.test.ts proves
 * that these copies equal the source's examples.
 */

/** The "Create an Order" request example. */
export const CREATE_EXAMPLE: Record<string, any> = {
  "objectType": "order-create-update",
  "buyerId": "Verizon",
  "sellerId": "Cox Spectrum Business",
  "buyerPurchaseOrderNumber": "PO-12345",
  "buyerOrderVersion": "1",
  "orderDate": "2016-10-01T13:20+01:00",
  "orderActivity": "INSTALL",
  "desiredResponses": "CONFIRMATION_ONLY",
  "requestedCompletionDate": "2016-10-11T17:20+01:00",
  "billingInfo": {
    "objectType": "billingInformation",
    "existingBillingAccountNumber": "12345678"
  },
  "buyerOrderContact": {
    "objectType": "contact",
    "name": "John Doe",
    "telephoneNumber": "+1720-666-1234"
  },
  "buyerImplementationContact": {
    "objectType": "contact",
    "name": "Mary Jones",
    "telephoneNumber": "+1720-666-1234"
  },
  "buyerTechnicalContact": {
    "objectType": "contact",
    "name": "Mark Smith",
    "telephoneNumber": "+1303-354-5645"
  },
  "orderType": "ACCESS_EPL",
  "orderItems": [
    {
      "objectType": "orderItem",
      "orderItemReference": "01",
      "action": "INSTALL",
      "quantity": 1,
      "orderItemDetail": {
        "objectType": "accessEplProductOrder",
        "sellerOvcId": "OVC-123-abc",
        "buyerOvcId": "OVC-123-xyz",
        "enniReference": {
          "objectType": "existingEnniReference",
          "sellerEnniId": "ENNI-123-abc"
        },
        "enniSiteContact": {
          "objectType": "contact",
          "name": "Bob Rice",
          "telephoneNumber": "+1320-768-9988"
        },
        "enniIngressBandwidthProfile": {
          "objectType": "bandwidthProfile",
          "committedInformationRate": {
            "objectType": "informationRateQuantity",
            "amount": 1,
            "units": "Gbps"
          }
        },
        "uniReference": {
          "objectType": "orderedUniReference",
          "orderItemReference": "02"
        },
        "uniSiteContact": {
          "objectType": "contact",
          "name": "Bob Rice",
          "telephoneNumber": "+1320-768-9988"
        },
        "uniIngressBandwidthProfile": {
          "objectType": "bandwidthProfile",
          "committedInformationRate": {
            "objectType": "informationRateQuantity",
            "amount": 1,
            "units": "Gbps"
          }
        }
      }
    },
    {
      "objectType": "orderItem",
      "orderItemReference": "02",
      "action": "INSTALL",
      "quantity": 1,
      "orderItemDetail": {
        "objectType": "uniProductOrder",
        "buyerUniId": "UNI-343",
        "productSpecification": {
          "objectType": "productSpecRef",
          "code": "AEVPL100",
          "productSpecification": {
            "objectType": "resourceReference",
            "id": "prd-spec-00234",
            "type": "PRODUCT_SPEC",
            "link": {
              "objectType": "link",
              "href": "http://product_spec/prod-spec-00234",
              "rel": "self",
              "method": "get",
              "type": "application/json"
            }
          }
        },
        "physicalLayer": "10GBASE_SR",
        "serviceSiteInformation": {
          "objectType": "serviceSiteInformation",
          "siteCompanyName": "LeaseCo",
          "siteAddressType": "FORMATTED_ADDRESS",
          "siteAddress": {
            "objectType": "formattedAddress",
            "addressLine1": "2112 E California",
            "city": "Oklahoma City",
            "stateOrProvince": "OK",
            "postcode": "73102"
          }
        },
        "primarySiteContact": {
          "objectType": "contact",
          "name": "James Joy",
          "telephoneNumber": "+1567-676-1334"
        }
      }
    }
  ]
};

/** The "Update an Order" (supplemental order, PUT) request example: version "2" of the create example. */
export const PUT_EXAMPLE: Record<string, any> = {
  "objectType": "order-create-update",
  "buyerId": "Verizon",
  "sellerId": "Cox Spectrum Business",
  "buyerPurchaseOrderNumber": "PO-12345",
  "buyerOrderVersion": "2",
  "orderDate": "2016-10-01T13:20+01:00",
  "orderActivity": "INSTALL",
  "desiredResponses": "CONFIRMATION_ONLY",
  "requestedCompletionDate": "2016-10-11T17:20+01:00",
  "billingInfo": {
    "objectType": "billingInformation",
    "existingBillingAccountNumber": "12345678"
  },
  "buyerOrderContact": {
    "objectType": "contact",
    "name": "John Doe",
    "telephoneNumber": "+1720-666-1234"
  },
  "buyerImplementationContact": {
    "objectType": "contact",
    "name": "Mary Jones",
    "telephoneNumber": "+1720-666-1234"
  },
  "buyerTechnicalContact": {
    "objectType": "contact",
    "name": "Mark Smith",
    "telephoneNumber": "+1303-354-5645"
  },
  "orderType": "ACCESS_EPL",
  "orderItems": [
    {
      "objectType": "orderItem",
      "orderItemReference": "01",
      "action": "INSTALL",
      "quantity": 1,
      "orderItemDetail": {
        "objectType": "accessEplProductOrder",
        "sellerOvcId": "OVC-123-abc",
        "buyerOvcId": "OVC-123-xyz",
        "enniReference": {
          "objectType": "existingEnniReference",
          "sellerEnniId": "ENNI-123-abc"
        },
        "enniSiteContact": {
          "objectType": "contact",
          "name": "Bob Rice",
          "telephoneNumber": "+1320-768-9988"
        },
        "enniIngressBandwidthProfile": {
          "objectType": "bandwidthProfile",
          "committedInformationRate": {
            "objectType": "informationRateQuantity",
            "amount": 5,
            "units": "Gbps"
          }
        },
        "uniReference": {
          "objectType": "orderedUniReference",
          "orderItemReference": "02"
        },
        "uniSiteContact": {
          "objectType": "contact",
          "name": "Bob Rice",
          "telephoneNumber": "+1320-768-9988"
        },
        "uniIngressBandwidthProfile": {
          "objectType": "bandwidthProfile",
          "committedInformationRate": {
            "objectType": "informationRateQuantity",
            "amount": 5,
            "units": "Gbps"
          }
        }
      }
    }
  ]
};
